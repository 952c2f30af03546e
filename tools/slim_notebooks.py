#!/usr/bin/env python
"""Keep the saved notebooks light: `python tools/slim_notebooks.py [--check] [--self-test] [PATH ...]`.

The lessons keep the outputs of their full-size runs (they are what the docs show), so their size is watched. This tool
rewrites saved outputs in place, without running anything, and leaves sources and every other output alone:

1. Plotly figures stored once. An output holding the plotly MIME bundle (`application/vnd.plotly.v1+json`, what
   `mamba_bys.core.use_plotly_for_docs` shows: JupyterLab draws it; the docs processor `plotly_html_for_docs` makes the
   docs' HTML from it) loses the HTML copy of the same figure that older renderers added, and plotly's loader outputs
   (a script that loads plotly.js, no figure) are dropped.
2. Numeric arrays of plotly figures (traces, frames, slider and button restyles) become plotly.js typed arrays
   (`mamba_bys.core.plotly_compact`: float32 where that moves no value by more than 1e-5 of its array's range, the
   smallest integer type for integers): about five characters a number instead of an indented line of JSON.
3. Widget state is not saved: `metadata.widgets` and widget-view outputs (tqdm bars, ipywidgets controls) are dropped.
   Without a kernel they are stale pictures of controls that do nothing; running the notebook brings them back live.
4. RGB(A) PNG outputs over 16 KB (opaque ones) become 256-colour palette PNGs: median cut refined by k-means, kept
   when it is within 45 dB PSNR of the original (plots: antialiased lines and text, visually identical), else
   Floyd-Steinberg dithered (photographs: no banding); kept only when at least 10% smaller. Palette PNGs are never
   quantized again, so running the tool twice changes nothing the second time.

PATH: notebooks or folders (every notebook under a folder, skipping `_`/`.` folders and files as nbdev does);
default `nbs/`. Each notebook must stay under --max-nb bytes (1 MB); each folder named (and `nbs/` by default) under
--max-total bytes (6 MB), counted as `du -sb` does (every file and folder).

--check changes nothing: exits 1 and names every notebook that is over its limit or holds what steps 1-4 would change
(duplicate figure payloads, untyped plotly arrays, widget state, PNGs to re-encode), and every folder over its limit.
Without --check the notebooks are rewritten (in the format `nbdev-clean` writes) and the sizes before and after are
printed; exits 1 when a limit is still exceeded. --self-test first proves on a made-up notebook that the check finds
each of these and that slimming clears them and is idempotent.
"""
import argparse, base64, contextlib, io, json, os, sys, tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_NB, MAX_TOTAL = 1_000_000, 6_000_000
WIDGET_VIEW, WIDGET_STATE = 'application/vnd.jupyter.widget-view+json', 'widgets'
MIN_PNG, PNG_PSNR, PNG_GAIN = 16_000, 45.0, 0.9


def _text(v) -> str: return ''.join(v) if isinstance(v, list) else v if isinstance(v, str) else json.dumps(v)


def notebooks(path: Path) -> list[Path]:
    "`path` if it is a notebook, else every notebook under it (skipping hidden and `_` folders/files, as nbdev does)."
    if path.is_file(): return [path]
    return sorted(p for p in path.rglob('*.ipynb') if not any(part.startswith(('_', '.')) for part in p.relative_to(path).parts))


CACHES = ('runs', '_proc')   # machine-local folders the lessons and the docs write (gitignored), not the course

def du_bytes(folder: Path) -> int:
    """Apparent size of `folder` as `du -sb` counts it (every file, link and folder, the folder itself included), without
    hidden folders and files (`.hypothesis`, `.ipynb_checkpoints`, which tests and Jupyter leave) and the caches `CACHES`."""
    total = os.lstat(folder).st_size
    for d, dirs, files in os.walk(folder):
        dirs[:] = [n for n in dirs if not n.startswith('.') and n not in CACHES]
        total += sum(os.lstat(os.path.join(d, n)).st_size for n in dirs + files if not n.startswith('.'))
    return total


# ---- the transforms --------------------------------------------------------------------------------------------

def _is_plotly_html(html: str) -> bool: return 'Plotly.newPlot' in html


def _is_plotly_loader(data: dict) -> bool:
    "An output that only loads plotly.js (what plotly's notebook renderers display once before the first figure)."
    html = _text(data.get('text/html', ''))
    return (set(data) <= {'text/html', 'text/plain'} and 'Plotly.newPlot' not in html
            and ('window.PlotlyConfig' in html or 'cdn.plot.ly' in html) and len(html) < 5000)


def _psnr(a, b) -> float:
    import numpy as np
    mse = float(np.mean((np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) ** 2))
    return float('inf') if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def slim_png(b64: str) -> str | None:
    "The base64 PNG `b64` as a palette PNG when that is at least 10% smaller (see step 4), else None."
    from PIL import Image
    raw = base64.b64decode(b64)
    if len(raw) < MIN_PNG: return None
    im = Image.open(io.BytesIO(raw))
    if im.mode not in ('RGB', 'RGBA'): return None                        # palette (already slimmed), grey, 16-bit: as they are
    if im.mode == 'RGBA':
        if im.getchannel('A').getextrema()[0] < 255: return None         # transparency matters: leave it
        im = im.convert('RGB')
    pal = im.quantize(256, method=Image.Quantize.MEDIANCUT, kmeans=2)
    if _psnr(im, pal.convert('RGB')) < PNG_PSNR: pal = im.quantize(palette=pal, dither=Image.Dither.FLOYDSTEINBERG)
    buf = io.BytesIO(); pal.save(buf, 'PNG', optimize=True)
    return base64.b64encode(buf.getvalue()).decode('ascii') if buf.tell() <= PNG_GAIN * len(raw) else None


def slim(nb: dict) -> Counter:
    "Slim notebook `nb` (a plain JSON dict) in place; returns what changed, counted."
    from mamba_bys.core import PLOTLY_MIME, plotly_compact
    done = Counter()
    if WIDGET_STATE in nb.get('metadata', {}): del nb['metadata'][WIDGET_STATE]; done['widget state in the metadata'] += 1
    for cell in nb.get('cells', []):
        if 'outputs' not in cell: continue
        kept = []
        for out in cell['outputs']:
            data = out.get('data')
            if not isinstance(data, dict): kept.append(out); continue
            if WIDGET_VIEW in data: done['widget outputs'] += 1; continue
            if _is_plotly_loader(data): done['plotly.js loader outputs'] += 1; continue
            if PLOTLY_MIME in data:
                if _is_plotly_html(_text(data.get('text/html', ''))):
                    del data['text/html']; done['plotly figures stored twice (JSON and HTML)'] += 1
                fig = data[PLOTLY_MIME]
                fig = json.loads(fig) if isinstance(fig, str) else fig
                compact = plotly_compact(fig)
                if compact != data[PLOTLY_MIME]: data[PLOTLY_MIME] = compact; done['plotly figures with untyped arrays'] += 1
            if 'image/png' in data and (png := slim_png(_text(data['image/png']).strip())) is not None:
                data['image/png'] = png; done['PNGs to re-encode as palette PNGs'] += 1
            kept.append(out)
        cell['outputs'] = kept
    return done


def nb_text(nb: dict) -> str:
    "`nb` as `nbdev-clean` writes it."
    from fastcore.nbio import nb2str
    return nb2str(nb)


# ---- running it ------------------------------------------------------------------------------------------------

def run(paths: list[Path], check: bool, max_nb: int, max_total: int, folders: list[Path]) -> int:
    "Slim (or with `check`, only inspect) the notebooks `paths`, then measure them and `folders`; 1 when anything is wrong."
    heavy, over, before_all, after_all = [], [], 0, 0
    for p in paths:
        text = p.read_text(encoding='utf-8')
        nb = json.loads(text)
        done = slim(nb)
        new = nb_text(nb) if done and not check else text
        name, before, size = os.path.relpath(p), len(text.encode('utf-8')), len(new.encode('utf-8'))
        before_all += before; after_all += size
        if check: heavy += [f'{name}: {what}: {n}' for what, n in done.items()]
        elif new != text:
            p.write_text(new, encoding='utf-8')
            print(f'{name}: {before:,} -> {size:,} bytes ({"; ".join(f"{w}: {n}" for w, n in done.items())})')
        if size > max_nb: over.append(f'{name}: {size:,} bytes, over the {max_nb:,}-byte limit for one notebook')
    if not check: print(f'{len(paths)} notebooks: {before_all:,} -> {after_all:,} bytes')
    for f in folders:
        total = du_bytes(f)
        print(f'{os.path.relpath(f)}: {total:,} bytes as du -sb counts them (limit {max_total:,})')
        if total > max_total: over.append(f'{os.path.relpath(f)}: {total:,} bytes, over the {max_total:,}-byte limit')
    for pr in heavy + over: print('FAIL', pr)
    if heavy: print('slim them with: python tools/slim_notebooks.py')
    if check and not heavy + over: print(f'slim: {len(paths)} notebooks within limits, each plotly figure stored once and typed, no widget state')
    return 1 if heavy or over else 0


def self_test() -> None:
    "The check must find duplicate figures, untyped arrays, widget state and RGBA PNGs; slimming must clear them, once."
    import numpy as np
    from PIL import Image
    import plotly.graph_objects as go, plotly.io as pio
    fig = go.Figure(go.Scatter(x=list(np.linspace(0, 1, 100)), y=list(np.linspace(0, 1, 100) ** 2)))
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    rng = np.random.default_rng(0)
    f, ax = plt.subplots(figsize=(6, 4))                                 # a plot as the inline backend saves it: opaque RGBA
    for _ in range(6): ax.plot(np.cumsum(rng.normal(size=300)), lw=1)
    ax.scatter(rng.uniform(0, 300, 200), rng.normal(0, 10, 200), s=8, alpha=0.5); ax.set_title('random walks')
    buf = io.BytesIO(); f.savefig(buf, format='png', facecolor='white'); plt.close(f)
    png = base64.b64encode(buf.getvalue()).decode()
    out = lambda data: {'output_type': 'display_data', 'metadata': {}, 'data': data}
    nb = {'cells': [{'cell_type': 'code', 'id': 'c0', 'source': 'fig', 'metadata': {}, 'execution_count': None, 'outputs': [
              out({'text/html': '<script>window.PlotlyConfig = {MathJaxConfig: "local"};</script>'}),
              out({'application/vnd.plotly.v1+json': json.loads(pio.to_json(fig)),
                   'text/html': pio.to_html(fig, include_plotlyjs='cdn', full_html=False)}),
              out({WIDGET_VIEW: {'model_id': 'ab', 'version_major': 2, 'version_minor': 0}, 'text/plain': '  0%|  | 0/9'}),
              out({'image/png': png, 'text/plain': '<Figure>'}), out({'text/plain': 'kept'})]}],
          'metadata': {WIDGET_STATE: {'application/vnd.jupyter.widget-state+json': {'state': {}}}}, 'nbformat': 4, 'nbformat_minor': 5}
    with tempfile.TemporaryDirectory() as d, contextlib.redirect_stdout(io.StringIO()):
        p = Path(d) / 'heavy.ipynb'; p.write_text(nb_text(nb))
        found = Counter(slim(json.loads(p.read_text())))
        want = {'widget state in the metadata', 'widget outputs', 'plotly.js loader outputs', 'plotly figures stored twice (JSON and HTML)',
                'plotly figures with untyped arrays', 'PNGs to re-encode as palette PNGs'}
        assert set(found) == want, f'self-test: the check missed {want - set(found)}'
        assert run([p], True, MAX_NB, MAX_TOTAL, []) == 1, 'self-test: --check passed a heavy notebook'
        assert run([p], False, MAX_NB, MAX_TOTAL, []) == 0
        slimmed = json.loads(p.read_text())
        outs = slimmed['cells'][0]['outputs']
        assert [list(o['data']) for o in outs] == [['application/vnd.plotly.v1+json'], ['image/png', 'text/plain'], ['text/plain']], outs
        assert outs[0]['data']['application/vnd.plotly.v1+json']['data'][0]['x']['dtype'] == 'f4'
        assert Image.open(io.BytesIO(base64.b64decode(outs[1]['data']['image/png']))).mode == 'P'
        assert WIDGET_STATE not in slimmed['metadata']
        text = p.read_text()
        assert run([p], True, MAX_NB, MAX_TOTAL, []) == 0 and run([p], False, MAX_NB, MAX_TOTAL, []) == 0 and p.read_text() == text, \
            'self-test: slimming twice changed the notebook again'
        assert run([p], True, 1000, MAX_TOTAL, []) == 1, 'self-test: a notebook over its size limit passed'
        assert run([p], True, MAX_NB, 10, [Path(d)]) == 1, 'self-test: a folder over its size limit passed'
    print('self-test: duplicate figures, plotly loaders, untyped arrays, widget state and RGBA PNGs are found and cleared, '
          'slimming twice changes nothing, and notebooks and folders over their limits are reported')


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('paths', nargs='*', type=Path, help='notebooks or folders (default: nbs/)')
    ap.add_argument('--check', action='store_true', help='change nothing; exit 1 naming every offender')
    ap.add_argument('--self-test', action='store_true', help='first prove that the check finds what it should')
    ap.add_argument('--max-nb', type=int, default=MAX_NB, help=f'bytes one notebook may take (default {MAX_NB:,})')
    ap.add_argument('--max-total', type=int, default=MAX_TOTAL, help=f'bytes a folder named may take, as du -sb counts (default {MAX_TOTAL:,})')
    a = ap.parse_args()
    if a.self_test: self_test()
    targets = a.paths or [ROOT / 'nbs']
    paths = [nb for t in targets for nb in notebooks(t)]
    return run(paths, a.check, a.max_nb, a.max_total, [t for t in targets if t.is_dir()])


if __name__ == '__main__':
    sys.exit(main())
