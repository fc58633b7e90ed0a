"""``python -m regimekg.query --write-docs``: regenerate (or ``--check-docs``) docs/queries.md."""

from __future__ import annotations

import argparse
import sys

from ..errors import UserError
from . import docs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m regimekg.query", description=__doc__)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--write-docs", action="store_true", help="rewrite docs/queries.md")
    g.add_argument("--check-docs", action="store_true", help="exit 1 if docs/queries.md is stale")
    p.add_argument("--root", help="project directory (default: found from the current directory)")
    args = p.parse_args(argv)
    try:
        if args.write_docs:
            print(f"Wrote {docs.write(args.root)}")
            return 0
        from ..paths import find_root

        path = find_root(args.root) / docs.DOC
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != docs.generate(args.root):
            print(f"{path} is stale: run `python -m regimekg.query --write-docs`.", file=sys.stderr)
            return 1
        print(f"{path} is up to date.")
        return 0
    except UserError as e:
        print(f"regimekg: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
