#!/usr/bin/python3
"""Checks, with real PyTorch, that files written by the C# CheckpointFile.Save / TorchFile.Save load in torch.load.
Usage:
    mkdir -p /tmp/ckpt-verify
    CHECKPOINT_VERIFY_DIR=/tmp/ckpt-verify dotnet test tests/ShuffleNet.Checkpoints.Tests --filter RoundTripTests
    /usr/bin/python3 tools/reference/verify_checkpoint_save.py /tmp/ckpt-verify
Compares saved_mmpretrain.pth, saved_torchvision.pth and saved_tiny.pt with the files they were made from:
same keys in order, dtypes, shapes and bit-identical values; loads the torchvision one into torchvision's model
(strict); checks that every stored entry is uncompressed and its data 64-byte aligned, as PyTorch writes them."""
import glob, os, subprocess, sys, tempfile, zipfile, torch, torchvision

d = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
ref = os.path.join(here, '../../tests/reference')
fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../tests/ShuffleNet.Checkpoints.Tests/Fixtures')


def same(a, b, what):
    assert list(a.keys()) == list(b.keys()), f'{what}: keys differ'
    for k in a:
        x, y = a[k], b[k]
        assert x.dtype == y.dtype and x.shape == y.shape and torch.equal(x, y), f'{what}: {k} differs ({x.dtype}{list(x.shape)} vs {y.dtype}{list(y.shape)})'
    print(f'{what}: {len(a)} tensors identical')


def aligned(path):
    with zipfile.ZipFile(path) as z, open(path, 'rb') as f:
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_STORED, info.filename
            f.seek(info.header_offset + 26)
            n, e = int.from_bytes(f.read(2), 'little'), int.from_bytes(f.read(2), 'little')
            if '/data/' in info.filename:
                assert (info.header_offset + 30 + n + e) % 64 == 0, f'{info.filename} not 64-byte aligned'
        print(f'{os.path.basename(path)}: {len(z.infolist())} entries stored, data 64-byte aligned:', [i.filename for i in z.infolist()][:3], '...')


mm = torch.load(os.path.join(d, 'saved_mmpretrain.pth'))
mm_ref = torch.load(os.path.join(ref, 'mmcls_1.0.pth'))
assert type(mm['state_dict']) is type(mm_ref['state_dict']), type(mm['state_dict'])
same(mm_ref['state_dict'], mm['state_dict'], 'mmpretrain layout')
assert mm['meta']['CLASSES'] == mm_ref['meta']['CLASSES'] and mm['meta']['config'] == mm_ref['meta']['config']
assert {k: v for k, v in mm['meta'].items()} == mm_ref['meta'], 'meta differs'
print('mmpretrain layout: meta identical,', len(mm['meta']['CLASSES']), 'classes')
tv = torch.load(os.path.join(d, 'saved_torchvision.pth'))
with tempfile.TemporaryDirectory() as tmp:  # torchvision_1.0.pth is not kept in tests/reference: made again here
    images = sorted(glob.glob(os.path.join(ref, 'images', '*.png')))
    subprocess.run([sys.executable, os.path.join(here, 'make_reference.py'), tmp, '1.0', '1', '0'] + images, check=True)
    same(torch.load(os.path.join(tmp, 'torchvision_1.0.pth')), tv, 'torchvision layout')
model = torchvision.models.shufflenet_v2_x1_0()
print('torchvision load_state_dict(strict=True):', model.load_state_dict(tv))
same(torch.load(os.path.join(fixtures, 'tiny_zip.pt')), torch.load(os.path.join(d, 'saved_tiny.pt')), 'tiny (every dtype)')
for name in ('saved_mmpretrain.pth', 'saved_torchvision.pth', 'saved_tiny.pt'):
    torch.load(os.path.join(d, name), weights_only=True)
    aligned(os.path.join(d, name))
print('weights_only=True loads all three; OK')
