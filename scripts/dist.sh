#!/usr/bin/env bash
echo "make dist: not yet built" >&2
exit 1
