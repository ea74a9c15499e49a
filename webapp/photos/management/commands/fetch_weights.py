"""``manage.py fetch_weights [NAME]``: get torchvision's COCO weights for a backend, and say what
is on hand, so nobody has to learn torchvision's cache layout.

Downloads through torchvision's weights API (hash-checked, into ``$TORCH_HOME/hub/checkpoints``),
where the worker then finds them. Offline it says so, and how to bring the file over instead.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from segmentation.interface import SegmenterConfig
from segmentation.registry import (
    WeightsUnavailable,
    backend_names,
    download_weights,
    get_backend,
    problem,
    resolve_backend,
)
from webapp.photos import pipeline


class Command(BaseCommand):
    help = (
        "Download torchvision's COCO weights for a segmentation backend (needs internet access) and list "
        "the weights on this machine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "name",
            nargs="?",
            help=f"backend to download, one of {', '.join(n for n in backend_names() if get_backend(n).weights_enum)} "
            "(default: the best, maskrcnn_resnet50_fpn_v2)",
        )
        parser.add_argument("--list", action="store_true", help="only list what is on hand")

    def handle(self, *args: object, **options: Any) -> None:
        if not options["list"]:
            self.fetch(options["name"] or backend_names()[0])
        self.list_on_hand()

    def fetch(self, name: str) -> None:
        try:
            spec = get_backend(name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not spec.weights_enum:
            how = problem(SegmenterConfig(backend=name)) or ""
            raise CommandError(f"{name} has no weights to download from torchvision. {how}".strip())
        if spec.cache_path().is_file():
            self.stdout.write(f"{name}: already on this machine ({spec.cache_path()}).")
            return
        self.stdout.write(f"Downloading the {name} weights ({spec.weights_url}) ...")
        try:
            path = download_weights(name, progress=True)
        except WeightsUnavailable as exc:
            self.list_on_hand()
            raise CommandError(
                f"Cannot download: {exc.reason}.\n"
                f"On a machine with internet access run `python manage.py fetch_weights {name}`, then copy "
                f"{spec.weights_file} into {spec.cache_path().parent}/ here (or set SEGMENTER_WEIGHTS to the file)."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"{name}: saved to {path}."))

    def list_on_hand(self) -> None:
        self.stdout.write("Segmentation weights on this machine:")
        for name in backend_names():
            spec = get_backend(name)
            if not spec.weights_url:
                continue  # its weights are a file named in SEGMENTER_WEIGHTS (below)
            state = "on hand" if spec.cache_path().is_file() else "missing"
            self.stdout.write(f"  {name:32} {state:8} {spec.cache_path()}")
        config = pipeline.segmenter_config()
        if config.weights is not None:
            try:
                chosen = resolve_backend(config.backend, config.weights).name
            except (WeightsUnavailable, ValueError) as exc:
                chosen = f"unusable: {exc}"
            self.stdout.write(f"  SEGMENTER_WEIGHTS={config.weights} -> {chosen}")
        trouble = problem(config)
        if trouble is None:
            resolved = resolve_backend(config.backend, config.weights)
            self.stdout.write(f"SEGMENTER={config.backend} runs {resolved.name} ({resolved.weights_file}).")
        else:
            self.stdout.write(f"SEGMENTER={config.backend}: {trouble}")
