from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_does_not_pull_in_torch_or_django() -> None:
    code = (
        "import sys, captioning, captioning.coco\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'django', 'torchvision'))\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
