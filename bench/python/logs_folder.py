"""What a researcher would write to turn a folder of runs into a sweep table: walk it, read each
MLflow run (params, metric files), Lightning metrics.csv + hparams.yaml, and plain per-run CSVs,
and keep one row per run (N, D, C, final and best loss). No validation beyond what Python does
anyway; `--numpy` reads metric files with numpy.loadtxt instead of the csv module.

Usage: python3 logs_folder.py ROOT [--numpy]   prints one JSON object.
"""
import csv
import json
import os
import re
import sys
import time

import numpy as np
import yaml

USE_NUMPY = '--numpy' in sys.argv


def size_from(cfg, name):
    layers = cfg.get('n_layer') or cfg.get('num_layers')
    width = cfg.get('d_model') or cfg.get('hidden_size')
    vocab = cfg.get('vocab_size', 0)
    if layers and width:
        return 12 * float(layers) * float(width) ** 2 + float(vocab) * float(width)
    m = re.search(r'(\d+(?:\.\d+)?)([mb])(?![a-z0-9])', name, re.I)
    if m:
        return float(m.group(1)) * (1e6 if m.group(2).lower() == 'm' else 1e9)
    return None


def point(name, cfg, steps, losses):
    losses = [x for x in losses if x == x]
    if not losses:
        return None
    n = size_from(cfg, name)
    batch = cfg.get('global_batch_size') or cfg.get('batch_size')
    seq = cfg.get('seq_len') or cfg.get('max_seq_len')
    d = steps * float(batch) * float(seq) if batch and seq and steps is not None else None
    c = 6 * n * d if n and d else None
    return {'run': name, 'N': n, 'D': d, 'C': c, 'final': losses[-1], 'best': min(losses)}


def read_metric(path):
    if USE_NUMPY:
        a = np.loadtxt(path, ndmin=2)
        return list(zip(a[:, 2].astype(int), a[:, 1]))
    out = []
    with open(path) as f:
        for line in f:
            ts, value, step = line.split()
            out.append((int(step), float(value)))
    return out


def mlflow_run(d):
    cfg = {}
    for p in os.listdir(os.path.join(d, 'params')):
        with open(os.path.join(d, 'params', p)) as f:
            v = f.read().strip()
        try:
            cfg[p] = float(v)
        except ValueError:
            cfg[p] = v
    with open(os.path.join(d, 'meta.yaml')) as f:
        meta = yaml.safe_load(f)
    metrics = {}
    for base, _, files in os.walk(os.path.join(d, 'metrics')):
        for m in files:
            full = os.path.join(base, m)
            metrics[os.path.relpath(full, os.path.join(d, 'metrics'))] = read_metric(full)
    key = 'eval/loss' if 'eval/loss' in metrics else 'loss'
    series = sorted(metrics.get(key, []))
    steps = max((s for rows in metrics.values() for s, _ in rows), default=None)
    return point(meta.get('run_name', os.path.basename(d)), cfg, steps, [v for _, v in series])


def csv_run(path, cfg, name):
    if USE_NUMPY:
        a = np.genfromtxt(path, delimiter=',', names=True)
        cols = a.dtype.names
        key = 'val_loss' if 'val_loss' in cols else 'loss'
        steps = float(np.nanmax(a['step']))
        return point(name, cfg, steps, [float(x) for x in a[key] if x == x])
    losses = []
    steps = None
    with open(path, newline='') as f:
        reader = csv.DictReader(f)
        key = 'val_loss' if 'val_loss' in reader.fieldnames else 'loss'
        for row in reader:
            if row.get('step'):
                steps = max(steps or 0, float(row['step']))
            if row.get(key):
                losses.append(float(row[key]))
    return point(name, cfg, steps, losses)


def main(root):
    t0 = time.perf_counter()
    points = []
    runs = 0
    for base, dirs, files in os.walk(root):
        if 'meta.yaml' in files and 'metrics' in dirs:
            runs += 1
            points.append(mlflow_run(base))
            dirs[:] = []
            continue
        for f in files:
            if f == 'metrics.csv':
                runs += 1
                cfg = {}
                hp = os.path.join(base, 'hparams.yaml')
                if os.path.exists(hp):
                    with open(hp) as h:
                        cfg = yaml.safe_load(h) or {}
                points.append(csv_run(os.path.join(base, f), cfg, base))
            elif f.endswith('.csv'):
                runs += 1
                points.append(csv_run(os.path.join(base, f), {}, f[:-4]))
    points = [p for p in points if p]
    seconds = time.perf_counter() - t0
    print(json.dumps({'runs': runs, 'points': len(points), 'sum_final': sum(p['final'] for p in points), 'seconds': seconds}))


if __name__ == '__main__':
    main(sys.argv[1])
