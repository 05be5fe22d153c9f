#!/usr/bin/python3
"""Reference data made with real PyTorch (Debian python3-torch 1.13, torchvision 0.14, Pillow 9.4).
Usage: make_reference.py OUTDIR WIDTH SEED LEGACY(0/1) IMAGE...
Made tests/reference/*_1.0.* (OUTDIR 1.0 1 0 tests/reference/images/*.png) and the 0.5x legacy-format fixtures
mmcls_0.5.pth and io_0.5.pth (OUTDIR 0.5 7 1 tests/reference/images/*.png); see tests/reference/README.md.
Writes: OUTDIR/mmcls_{w}.pth (mmcls layout, {'meta','state_dict'}), OUTDIR/torchvision_{w}.pth (plain state_dict),
OUTDIR/io_{w}.pth ({'input','stages','logits'}), OUTDIR/pipeline_{w}.pth (per image: crop uint8 HWC RGB, logits),
OUTDIR/expected_{w}.json (per image: top-5 indices and softmax scores)."""
import os, sys, json, collections, torch, torchvision, numpy as np
from PIL import Image
out, width, seed, legacy = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == '1'
images = sys.argv[5:]
torch.manual_seed(seed)
ctor = {'0.5': torchvision.models.shufflenet_v2_x0_5, '1.0': torchvision.models.shufflenet_v2_x1_0,
        '1.5': torchvision.models.shufflenet_v2_x1_5, '2.0': torchvision.models.shufflenet_v2_x2_0}[width]
m = ctor()
g = torch.Generator().manual_seed(seed + 1)
with torch.no_grad():
    for mod in m.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):  # make eval-mode BN non-trivial
            n = mod.num_features
            mod.weight.copy_(torch.rand(n, generator=g) + 0.5); mod.bias.copy_(torch.randn(n, generator=g) * 0.1)
            mod.running_mean.copy_(torch.randn(n, generator=g) * 0.1); mod.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            mod.num_batches_tracked.fill_(1234)
        if isinstance(mod, torch.nn.Linear):
            mod.weight.mul_(5.0); mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.1)
# calibrate BN running statistics on real photo crops (as a trained network has), so outputs depend on the input
calib = []
for path in images:
    im = np.asarray(Image.open(path).convert('RGB').resize((256, 256), Image.BILINEAR))
    for k in range(8):
        yy, xx = (k * 5) % 32, (k * 11) % 32
        c = torch.from_numpy(np.ascontiguousarray(im[yy:yy + 224, xx:xx + 224])).permute(2, 0, 1).float()
        calib.append((c - torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1)) / torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1))
calib = torch.stack(calib)
for mod in m.modules():
    if isinstance(mod, torch.nn.BatchNorm2d): mod.reset_running_stats(); mod.momentum = None
m.train()
with torch.no_grad(): m(calib)
for mod in m.modules():
    if isinstance(mod, torch.nn.BatchNorm2d): mod.momentum = 0.1
with torch.no_grad(): m.fc.weight.mul_(3.0)
m.eval()
sd = m.state_dict()
def tv2mm(k):
    p = k.split('.')
    if p[0] == 'conv1': return 'backbone.conv1.' + {'0': 'conv', '1': 'bn'}[p[1]] + '.' + '.'.join(p[2:])
    if p[0] == 'conv5': return 'backbone.layers.3.' + {'0': 'conv', '1': 'bn'}[p[1]] + '.' + '.'.join(p[2:])
    if p[0] == 'fc': return 'head.fc.' + p[1]
    if p[0].startswith('stage'):
        s = int(p[0][5:]) - 2; blk = p[1]; br = p[2]; idx = p[3]; rest = '.'.join(p[4:])
        if br == 'branch1': mp = {'0': '0.conv', '1': '0.bn', '2': '1.conv', '3': '1.bn'}
        else: mp = {'0': '0.conv', '1': '0.bn', '3': '1.conv', '4': '1.bn', '5': '2.conv', '6': '2.bn'}
        return f'backbone.layers.{s}.{blk}.{br}.{mp[idx]}.{rest}'
    raise KeyError(k)
mm = collections.OrderedDict((tv2mm(k), v.clone()) for k, v in sd.items())
classes = [l.strip() for l in open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../tests/reference/imagenet_classes.txt'))]
ckpt = {'meta': {'mmcls_version': '0.1.0', 'epoch': 300, 'iter': 375600, 'CLASSES': classes,
                 'config': "model = dict(type='ImageClassifier', backbone=dict(type='ShuffleNetV2', widen_factor=%s))" % width,
                 'time': 'Wed Aug 12 2020'}, 'state_dict': mm}
kw = {} if not legacy else {'_use_new_zipfile_serialization': False}
torch.save(ckpt, f'{out}/mmcls_{width}.pth', **kw)
torch.save(sd, f'{out}/torchvision_{width}.pth', **kw)
# per-stage activations on a fixed normalized input
x = torch.randn(2, 3, 224, 224, generator=g)
with torch.no_grad():
    h1 = m.maxpool(m.conv1(x)); s2 = m.stage2(h1); s3 = m.stage3(s2); s4 = m.stage4(s3); c5 = m.conv5(s4)
    logits = m.fc(c5.mean([2, 3]))
    assert torch.allclose(logits, m(x), atol=1e-5)
torch.save({'input': x, 'stem': h1, 'stage2': s2, 'stage3': s3, 'stage4': s4, 'conv5': c5, 'logits': logits}, f'{out}/io_{width}.pth', **kw)
# the mmcls test pipeline: decode -> short edge 256 (pillow bilinear, long side truncated) -> center crop 224 -> normalize
mean = torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1); std = torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1)
pipe, expected = {}, {}
for path in images:
    name = path.split('/')[-1]
    im = Image.open(path).convert('RGB'); w, h = im.size
    if (w <= h and w == 256) or (h <= w and h == 256): r = im
    elif w < h: r = im.resize((256, int(256 * h / w)), Image.BILINEAR)
    else: r = im.resize((int(256 * w / h), 256), Image.BILINEAR)
    a = np.asarray(r); H, W = a.shape[:2]
    y1 = max(0, int(round((H - 224) / 2.))); x1 = max(0, int(round((W - 224) / 2.)))
    crop = np.ascontiguousarray(a[y1:y1 + 224, x1:x1 + 224])
    t = (torch.from_numpy(crop).permute(2, 0, 1).float() - mean) / std
    with torch.no_grad(): lg = m(t[None])[0]
    p = lg.softmax(0); top = p.topk(5)
    pipe[name] = {'resized_hw': torch.tensor([H, W]), 'crop': torch.from_numpy(crop), 'logits': lg}
    expected[name] = {'size_wh': [w, h], 'resized_wh': [W, H], 'crop_xy': [x1, y1],
                      'top5': [{'index': int(i), 'label': classes[int(i)], 'score': float(s)} for s, i in zip(top.values, top.indices)]}
torch.save(pipe, f'{out}/pipeline_{width}.pth', **kw)
json.dump({'width': width, 'seed': seed, 'legacy_format': legacy, 'images': expected}, open(f'{out}/expected_{width}.json', 'w'), indent=1)
print('params', sum(v.numel() for k, v in sd.items() if 'running' not in k and 'num_batches' not in k), 'keys', len(mm))
