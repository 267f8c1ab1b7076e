"""`make demo` runs the module below; here it runs on small settings and must learn."""

from rnnlab import demo


def test_demo_trains_both_engines_below_the_baseline(capsys):
    test_mse = demo.main(["--length", "10", "--epochs", "5", "--n-train", "1000"])
    assert set(test_mse) == {"reference", "torch"}
    for mse in test_mse.values():
        assert mse < 0.1  # learned-nothing MSE is 1/6
    assert "Same model, same data order" in capsys.readouterr().out
