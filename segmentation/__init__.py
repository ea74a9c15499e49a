"""Instance segmentation backends.

Importing this package is cheap and never imports torch: the web process and ``captioning``
read :class:`segmentation.result.Instances` without paying for the model stack. Backends
import torch lazily, when one is built.
"""

from __future__ import annotations

from segmentation.result import Instances

__all__ = ["Instances"]
