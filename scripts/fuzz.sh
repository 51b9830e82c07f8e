#!/usr/bin/env bash
echo "make fuzz: not yet built" >&2
exit 1
