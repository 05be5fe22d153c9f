#!/usr/bin/python3
"""Fixtures for tests/ShuffleNet.Checkpoints.Tests/Hardening, made with real PyTorch (Debian python3-torch 1.13).
Usage: /usr/bin/python3 tools/reference/make_hardening_fixtures.py [OUTDIR]
OUTDIR defaults to tests/ShuffleNet.Checkpoints.Tests/Fixtures. Writes meta_graph_zip.pt and meta_graph_legacy.pt:
what torch.save writes for meta values that share and contain themselves (through the pickle memo), sets, a recursive
tuple, a DAG of 30 lists (2^30 paths, 30 objects) and tensors that are stride-0 views (expand) of small storages.
The C# tests check the structure below; verify_hardening_save.py checks that the C# writer's copies load back in PyTorch."""
import collections, os, sys
import torch

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '../../tests/ShuffleNet.Checkpoints.Tests/Fixtures')


def meta_graph():
    cycle = [1]
    cycle.append(cycle)                      # a list that contains itself
    me = {'name': 'me'}
    me['self'] = me                          # a dict that contains itself
    shared = {'lr': 0.5}
    rt = ([],)
    rt[0].append(rt)                         # a tuple reached again through the list inside it
    dag = ['leaf']
    for _ in range(30):
        dag = [dag, dag]                     # 2^30 paths to 'leaf', 31 lists
    meta = {'cycle': cycle, 'me': me, 'shared': [shared, shared], 'rt': rt, 'dag': dag,
            'set': {1, 2, 'x'}, 'frozen': frozenset([3]), 'inf': float('inf')}
    state = collections.OrderedDict([
        ('w', torch.arange(6, dtype=torch.float32).reshape(2, 3)),
        ('expanded', torch.arange(2, dtype=torch.float32).reshape(2, 1).expand(2, 3)),   # stride (1, 0)
        ('big_expand', torch.full((1,), 7.0).expand(1 << 20)),                            # 4 MB as a view of 4 bytes
    ])
    return {'meta': meta, 'state_dict': state}


obj = meta_graph()
assert obj['state_dict']['big_expand'].stride() == (0,)
torch.save(obj, os.path.join(out, 'meta_graph_zip.pt'))
torch.save(obj, os.path.join(out, 'meta_graph_legacy.pt'), _use_new_zipfile_serialization=False)
for name in ('meta_graph_zip.pt', 'meta_graph_legacy.pt'):
    back = torch.load(os.path.join(out, name))
    assert back['meta']['cycle'][1] is back['meta']['cycle'] and back['meta']['dag'][0] is back['meta']['dag'][1]
    print(name, os.path.getsize(os.path.join(out, name)), 'bytes')
