#!/usr/bin/python3
"""Golden state-dict layouts for the model tests, from real torchvision (Debian python3-torchvision 0.14).
Usage: /usr/bin/python3 tools/reference/make_model_fixtures.py tests/ShuffleNet.Tests/Fixtures
Writes keys_{0.5,1.0,1.5,2.0}.txt: one 'mmpretrain_key shape' line per state-dict entry, in mmpretrain's order,
renamed from torchvision's keys with the mapping of make_reference.py beside this script, and
params_{w} = number of parameters (excluding BatchNorm buffers) with a 1000-class head."""
import sys, torchvision
out = sys.argv[1]
def tv2mm(k):  # same mapping as make_reference.py
    p = k.split('.')
    if p[0] == 'conv1': return 'backbone.conv1.' + {'0': 'conv', '1': 'bn'}[p[1]] + '.' + '.'.join(p[2:])
    if p[0] == 'conv5': return 'backbone.layers.3.' + {'0': 'conv', '1': 'bn'}[p[1]] + '.' + '.'.join(p[2:])
    if p[0] == 'fc': return 'head.fc.' + p[1]
    s = int(p[0][5:]) - 2; blk, br, idx, rest = p[1], p[2], p[3], '.'.join(p[4:])
    mp = {'0': '0.conv', '1': '0.bn', '2': '1.conv', '3': '1.bn'} if br == 'branch1' else \
         {'0': '0.conv', '1': '0.bn', '3': '1.conv', '4': '1.bn', '5': '2.conv', '6': '2.bn'}
    return f'backbone.layers.{s}.{blk}.{br}.{mp[idx]}.{rest}'
ctors = {'0.5': torchvision.models.shufflenet_v2_x0_5, '1.0': torchvision.models.shufflenet_v2_x1_0,
         '1.5': torchvision.models.shufflenet_v2_x1_5, '2.0': torchvision.models.shufflenet_v2_x2_0}
for w, ctor in ctors.items():
    m = ctor()
    with open(f'{out}/keys_{w}.txt', 'w') as f:
        for k, v in m.state_dict().items():
            f.write(f"{tv2mm(k)} {list(v.shape)}\n".replace(' ', ' ', 1).replace(', ', ','))
    print(w, 'params', sum(p.numel() for p in m.parameters()))

# FLOPs with forward hooks on the real torchvision modules, counted as mmcv's get_model_complexity_info does
# (conv: output elements x in/groups x kh x kw; BN: 2 x input elements; ReLU: output elements; pooling: input
# elements; the neck's global average pool: its input elements), and the conv+fc multiply-adds of the paper.
import json, torch
flops = {}
for w, ctor in ctors.items():
    m = ctor().eval(); c = dict(conv=0, bn=0, relu=0, pool=0, fc=0)
    def hook(mod, inp, out):
        if isinstance(mod, torch.nn.Conv2d): c['conv'] += out.numel() * mod.in_channels // mod.groups * mod.kernel_size[0] * mod.kernel_size[1]
        elif isinstance(mod, torch.nn.BatchNorm2d): c['bn'] += 2 * inp[0].numel()
        elif isinstance(mod, torch.nn.ReLU): c['relu'] += out.numel()
        elif isinstance(mod, torch.nn.MaxPool2d): c['pool'] += inp[0].numel()
        elif isinstance(mod, torch.nn.Linear): c['fc'] += mod.in_features * mod.out_features
    feats = {}
    m.conv5.register_forward_hook(lambda mod, i, o: feats.update(gap=o.numel()))
    for mod in m.modules(): mod.register_forward_hook(hook)
    m(torch.zeros(1, 3, 224, 224))
    flops[w] = {'mmcv': c['conv'] + c['bn'] + c['relu'] + c['pool'] + feats['gap'], 'conv_fc': c['conv'] + c['fc'],
                'params': sum(p.numel() for p in m.parameters())}
json.dump(flops, open(f'{out}/complexity.json', 'w'), indent=1)
print(flops)
