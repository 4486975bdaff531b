"""Stats starts only when Identity is reachable: it verifies access tokens with the keys Identity publishes."""
import subprocess

from support import bin_dir


def test_stats_without_identity_is_a_clear_startup_error(tmp_path):
    run = subprocess.run(
        [str(bin_dir() / "cyberport-stats"), "--port", "0", "--data-dir", str(tmp_path), "--log-format", "text",
         "--identity-address", "127.0.0.1:1"],
        capture_output=True, text=True, timeout=60,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "Identity at 127.0.0.1:1" in output, output
