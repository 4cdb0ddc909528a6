"""Print the titles of a BibTeX file, one per line."""

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    for path in argv[1:]:
        text = Path(path).read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.strip().lower().startswith("title"):
                print(line.split("=", 1)[1].strip(" {},"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
