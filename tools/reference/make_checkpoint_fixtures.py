#!/usr/bin/python3
"""Fixtures for tests/ShuffleNet.Checkpoints.Tests, made with real PyTorch (Debian python3-torch 1.13).
Usage: /usr/bin/python3 tools/reference/make_checkpoint_fixtures.py [OUTDIR]
OUTDIR defaults to tests/ShuffleNet.Checkpoints.Tests/Fixtures. Writes small .pt files in both torch.save
formats (zip and legacy) and expected.json: per file and tensor, dtype, shape, sha256 of the row-major
little-endian bytes and the first values, so the C# tests check bit-exact results without Python.
Also copies mmcls_0.5.pth made by tools/reference/make_reference.py (legacy format, 0.5x, seed 7)."""
import collections, glob, hashlib, json, os, shutil, subprocess, sys, tempfile
import numpy as np, torch

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '../../tests/ShuffleNet.Checkpoints.Tests/Fixtures')
os.makedirs(out, exist_ok=True)
MARKER = '/tmp/shufflenet_checkpoints_pwned_marker'  # the malicious fixtures would create this file if run
expected = {}


def describe(t):
    t = t.contiguous()
    raw = (t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes())
    return {'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape), 'sha256': hashlib.sha256(raw).hexdigest(),
            'first': [float(v) for v in t.flatten()[:4].double().tolist()]}


def save(name, obj, tensors, legacy):
    kw = {'_use_new_zipfile_serialization': False} if legacy else {}
    torch.save(obj, os.path.join(out, name), **kw)
    expected[name] = {k: describe(v) for k, v in tensors.items()}


# tiny dict: every dtype, plus views that share storages (a transpose, a slice with offset, two overlapping slices)
g = torch.Generator().manual_seed(0)
base = torch.randn(3, 5, generator=g)
grid = torch.arange(24, dtype=torch.float32).reshape(4, 6)
shared = torch.arange(10, dtype=torch.int64) * 3
tiny = collections.OrderedDict([
    ('f32', torch.randn(2, 3, generator=g)),
    ('f64', torch.randn(4, generator=g, dtype=torch.float64)),
    ('f16', torch.randn(5, generator=g).half()),
    ('bf16', torch.randn(5, generator=g).bfloat16()),
    ('i64', torch.tensor([-(2 ** 40) - 3, 0, 7, 2 ** 40 + 3], dtype=torch.int64)),
    ('i32', torch.tensor([-5, 6, 2 ** 30], dtype=torch.int32)),
    ('i16', torch.tensor([-300, 300], dtype=torch.int16)),
    ('i8', torch.tensor([-128, 127], dtype=torch.int8)),
    ('u8', torch.tensor([0, 255, 17], dtype=torch.uint8)),
    ('bool', torch.tensor([True, False, True])),
    ('scalar', torch.tensor(1234, dtype=torch.int64)),
    ('transposed', base.t()),
    ('slice', grid[1:3, 2:5]),
    ('shared_a', shared[0:4]),
    ('shared_b', shared[2:8:2]),
])
assert tiny['shared_a'].storage().data_ptr() == tiny['shared_b'].storage().data_ptr()
save('tiny_zip.pt', tiny, tiny, legacy=False)
save('tiny_legacy.pt', tiny, tiny, legacy=True)

# wrappers: DataParallel 'module.' prefix, {'model': ...}; mmpretrain 1.x meta with dataset_meta and numpy values
small = collections.OrderedDict([('backbone.conv1.conv.weight', torch.randn(24, 3, 3, 3, generator=g)),
                                 ('backbone.conv1.bn.num_batches_tracked', torch.tensor(5))])
save('module_prefix.pt', collections.OrderedDict(('module.' + k, v) for k, v in small.items()), small, legacy=False)
save('model_wrapper_legacy.pt', {'model': small, 'epoch': 2}, small, legacy=True)
meta = {'dataset_meta': {'classes': ('cat', 'dog', 'bird')}, 'epoch': 3, 'lr': np.float64(0.25), 'step': np.int64(7),
        'flag': np.bool_(True), 'half': np.float32(1.5), 'dtype': np.dtype('float32'), 'name': 'run-1', 'none': None,
        'blob': b'\x00\xffab'}
optimizer = {'state': {0: {'momentum_buffer': torch.ones(2)}}, 'param_groups': [{'lr': 0.1, 'params': [0]}]}
save('mmpretrain_1x.pt', {'meta': meta, 'state_dict': small, 'optimizer': optimizer}, small, legacy=False)


class Exploit:
    def __reduce__(self):
        return os.system, ('touch ' + MARKER,)


for legacy, name in ((False, 'malicious_zip.pt'), (True, 'malicious_legacy.pt')):
    torch.save({'state_dict': small, 'payload': Exploit()}, os.path.join(out, name),
               **({'_use_new_zipfile_serialization': False} if legacy else {}))
assert not os.path.exists(MARKER)
with open(os.path.join(out, 'not_a_checkpoint.txt'), 'w') as f:
    f.write('model = dict(type="ImageClassifier")\n')

# a full legacy-format checkpoint of another width, from the reference script
with tempfile.TemporaryDirectory() as tmp:
    images = sorted(glob.glob(os.path.join(here, '../../tests/reference/images/*.png')))
    subprocess.run([sys.executable, os.path.join(here, 'make_reference.py'), tmp, '0.5', '7', '1'] + images, check=True)
    shutil.copy(os.path.join(tmp, 'mmcls_0.5.pth'), os.path.join(out, 'mmcls_0.5.pth'))
ck = torch.load(os.path.join(out, 'mmcls_0.5.pth'))
expected['mmcls_0.5.pth'] = {k: describe(v) for k, v in ck['state_dict'].items()}
expected['mmcls_0.5.pth#classes'] = {'count': len(ck['meta']['CLASSES']), 'first': ck['meta']['CLASSES'][0]}

with open(os.path.join(out, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)
print('wrote', sorted(os.listdir(out)))
