#!/usr/bin/env python3
"""Renders a template with the real Jinja2 (python3-jinja2) and functions that behave like
timeloopfe's, to write the expected renderings that tests/test_templates.c compares adse's
renderer with. Dev-time only: no test runs Python.

usage: render_with_jinja2.py TEMPLATE [NAME=VALUE...] > EXPECTED
Values are read as YAML scalars (int, float, true/false, null, else a string), like adse -D.
"""
import glob
import os
import re
import sys

import jinja2


def scalar(v):
    if v in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return v.lower() == "true"
    if v in ("null", "Null", "NULL", "~"):
        return None
    if re.fullmatch(r"[-+]?[0-9]+", v):
        return int(v)
    try:
        return float(v)
    except ValueError:
        pass
    if len(v) >= 2 and v[0] in "'\"" and v[-1] == v[0]:
        return v[1:-1]
    return v


def render(path, data, dirs):
    path = os.path.realpath(os.path.abspath(path))
    here = os.path.dirname(path)
    dirs = list(dirs)
    counter = [0]

    def candidates(p):
        return [p] if os.path.isabs(p) else [os.path.join(d, p) for d in [here] + dirs]

    def paths(p):
        out = []
        for c in candidates(p):
            for m in sorted(glob.glob(os.path.normpath(c))):
                m = os.path.realpath(m)
                if m not in out:
                    out.append(m)
        if not out:
            raise FileNotFoundError(p)
        return out

    def one_path(p):
        for c in candidates(p):
            if os.path.exists(os.path.normpath(c)):
                return os.path.realpath(os.path.normpath(c))
        raise FileNotFoundError(p)

    def include(p, keys="", single=True):
        found = paths(p)
        assert not single or len(found) == 1
        base = re.sub(r"\W+", "", os.path.basename(path).rsplit(".", 1)[0])
        name = f"{base}_{counter[0]}"
        counter[0] += 1
        keys = keys.lstrip(".")
        return f"!include_loaded {name}" + (f".{keys}" if keys else "")

    def exists(p):
        try:
            one_path(p)
            return True
        except FileNotFoundError:
            return False

    def add(p):
        dirs.extend(paths(p))
        return ""

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(here),
                             undefined=jinja2.StrictUndefined)
    env.globals.update(
        cwd=lambda: here,
        include=lambda p, k="": include(p, k),
        include_all=lambda p, k="": include(p, k, False),
        include_text=lambda p: "\n".join(render(f, data, dirs) for f in paths(p)),
        path_exists=exists,
        add_to_path=add,
        find_path=one_path,
        find_paths=paths,
    )
    return env.get_template(os.path.basename(path)).render(data)


if __name__ == "__main__":
    data = {}
    for a in sys.argv[2:]:
        k, v = a.split("=", 1)
        data[k] = scalar(v)
    sys.stdout.write(render(sys.argv[1], data, []))
