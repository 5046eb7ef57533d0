#!/usr/bin/env python3
"""Generate a GB/T 9704 red-header document: `python generate.py data/NOTICE.yaml`."""
import sys

from gongwen.cli import main

if __name__ == "__main__":
    sys.exit(main())
