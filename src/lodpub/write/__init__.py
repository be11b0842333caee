"""The dist/ folder's files: their names, the writers of every format, whole-or-nothing publishing."""
