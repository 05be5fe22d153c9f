#!/usr/bin/python3
"""A small model in every form a PyTorch user hands over (Debian python3-torch 1.13, torchvision 0.14):
torchvision's ShuffleNet V2 0.5x with a 10-class head, 1.4 MB a file where a 1000-class head makes 5.5 MB.
Usage: /usr/bin/python3 tools/reference/make_small_reference.py [OUTDIR]    (default tests/reference)
Writes (zip format):
  mmcls_0.5_c10.pth        mmcls/mmpretrain layout {'meta': {..., 'CLASSES': 10 names}, 'state_dict'}, 338 keys
  torchvision_0.5_c10.pth  the same tensors as a plain torchvision state dict
  io_0.5_c10.pth           {'input': [2,3,96,96], 'stem', 'stage2', 'stage3', 'stage4', 'conv5', 'logits': [2,10]}
  pytorch-export_0.5_c10.onnx  torch.onnx.export of the same model: opset 13, input 'input' [N,3,224,224],
                           output 'logits', dynamic batch (as the 1.0x ONNX peer of benchmarks/onnx was made)
BatchNorm's affine parameters are random and its statistics calibrated on random images in train mode, so
eval-mode BN is non-trivial and activations stay O(1) through all 56 layers."""
import collections, os, sys, torch, torchvision

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '../../tests/reference')
torch.manual_seed(5)
g = torch.Generator().manual_seed(6)
m = torchvision.models.shufflenet_v2_x0_5(num_classes=10)
bns = [mod for mod in m.modules() if isinstance(mod, torch.nn.BatchNorm2d)]
m.train()
with torch.no_grad():
    for bn in bns:  # as make_reference.py: random affine parameters, then statistics calibrated under them
        bn.weight.copy_(torch.rand(bn.num_features, generator=g) + 0.5)
        bn.bias.copy_(torch.randn(bn.num_features, generator=g) * 0.1)
        bn.momentum = None  # cumulative average: exactly the statistics of the calibration batch
    m(torch.randn(16, 3, 96, 96, generator=g))
    for bn in bns: bn.momentum = 0.1
    m.fc.weight.mul_(10.0); m.fc.bias.copy_(torch.randn(10, generator=g) * 0.1)
m.eval()
sd = m.state_dict()


def tv2mm(k):  # the mapping of make_reference.py
    p = k.split('.')
    if p[0] == 'conv1': return 'backbone.conv1.' + {'0': 'conv', '1': 'bn'}[p[1]] + '.' + '.'.join(p[2:])
    if p[0] == 'conv5': return 'backbone.layers.3.' + {'0': 'conv', '1': 'bn'}[p[1]] + '.' + '.'.join(p[2:])
    if p[0] == 'fc': return 'head.fc.' + p[1]
    s = int(p[0][5:]) - 2; blk, br, idx, rest = p[1], p[2], p[3], '.'.join(p[4:])
    mp = {'0': '0.conv', '1': '0.bn', '2': '1.conv', '3': '1.bn'} if br == 'branch1' else \
         {'0': '0.conv', '1': '0.bn', '3': '1.conv', '4': '1.bn', '5': '2.conv', '6': '2.bn'}
    return f'backbone.layers.{s}.{blk}.{br}.{mp[idx]}.{rest}'


classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']
meta = {'mmcls_version': '0.1.0', 'epoch': 1, 'CLASSES': classes,
        'config': "model = dict(type='ImageClassifier', backbone=dict(type='ShuffleNetV2', widen_factor=0.5))"}
mm = collections.OrderedDict((tv2mm(k), v.clone()) for k, v in sd.items())
torch.save({'meta': meta, 'state_dict': mm}, f'{out}/mmcls_0.5_c10.pth')
torch.save(sd, f'{out}/torchvision_0.5_c10.pth')

x = torch.randn(2, 3, 96, 96, generator=g)
with torch.no_grad():
    h1 = m.maxpool(m.conv1(x)); s2 = m.stage2(h1); s3 = m.stage3(s2); s4 = m.stage4(s3); c5 = m.conv5(s4)
    logits = m.fc(c5.mean([2, 3]))
    assert torch.allclose(logits, m(x), atol=1e-5)
torch.save({'input': x, 'stem': h1, 'stage2': s2, 'stage3': s3, 'stage4': s4, 'conv5': c5, 'logits': logits},
           f'{out}/io_0.5_c10.pth')

torch.onnx.export(m, torch.randn(1, 3, 224, 224), f'{out}/pytorch-export_0.5_c10.onnx', opset_version=13,
                  input_names=['input'], output_names=['logits'],
                  dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
print('params', sum(p.numel() for p in m.parameters()), 'keys', len(mm),
      'logits', [round(v, 3) for v in logits[0].tolist()], 'stage4 std', round(float(s4.std()), 3))
