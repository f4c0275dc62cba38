"""`python -m milia_scan`: the same command line as `milia-scan`."""

from milia_scan.cli import main

if __name__ == "__main__":
    main()
