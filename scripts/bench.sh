#!/usr/bin/env bash
echo "make bench: not yet built" >&2
exit 1
