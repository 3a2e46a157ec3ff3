"""Stand-in for the pip bootstrap script ansible-test downloads from ci-files.testing.ansible.com.

ansible-test creates a virtual environment for each sanity test and installs pip into it by running a cached
`get-pip` script; that host is out of reach here (only PyPI is). This stand-in does the same job from what the
machine has: Python's own ensurepip, then `pip install` of the requested pip version from PyPI.
scripts/sanity copies it to ~/.ansible/test/cache/get_pip_<version>.py before running `ansible-test sanity`.
"""

from __future__ import annotations

import subprocess
import sys

# get-pip.py options that are not pip's own.
GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}


def main() -> None:
    # In a child process: ensurepip turns pip's configuration off in its own process (PIP_CONFIG_FILE=/dev/null),
    # and the machine's pip configuration (index, certificates) must apply to the install that follows.
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
    arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, "-m", "pip", "install", *arguments])


if __name__ == "__main__":
    main()
