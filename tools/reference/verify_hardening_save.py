#!/usr/bin/python3
"""Checks, with real PyTorch, that the C# writer's copies of shared, self-containing and expanded values load in
torch.load as the same graph.
Usage:
    mkdir -p /tmp/ckpt-verify
    CHECKPOINT_VERIFY_DIR=/tmp/ckpt-verify dotnet test tests/ShuffleNet.Checkpoints.Tests --filter "MetaGraphTests|HardeningTests"
    /usr/bin/python3 tools/reference/verify_hardening_save.py /tmp/ckpt-verify"""
import os, sys
import torch

d = sys.argv[1]


def check_graph(path):
    obj = torch.load(path)
    meta, sd = obj['meta'], obj['state_dict']
    assert meta['cycle'][0] == 1 and meta['cycle'][1] is meta['cycle']
    assert meta['me']['self'] is meta['me'] and meta['me']['name'] == 'me'
    assert meta['shared'][0] is meta['shared'][1] and meta['shared'][0] == {'lr': 0.5}
    assert meta['rt'][0][0] is meta['rt']
    level = meta['dag']
    for _ in range(30):
        assert level[0] is level[1]
        level = level[0]
    assert level == ['leaf']
    assert meta['set'] == {1, 2, 'x'} and meta['frozen'] == {3} and meta['inf'] == float('inf')
    assert torch.equal(sd['w'], torch.arange(6.).reshape(2, 3))
    assert torch.equal(sd['expanded'], torch.arange(2.).reshape(2, 1).expand(2, 3))
    big = sd['big_expand']
    assert big.shape == (1 << 20,) and big.stride() == (0,) and big.storage().size() == 1 and bool((big == 7).all())
    print(f'{os.path.basename(path)}: cycles, shared values, the recursive tuple, the 2^30-path DAG, sets and views identical')


def check_crafted(name, check):
    obj = torch.load(os.path.join(d, name))
    check(obj['meta'])
    print(f'{name}: {len(obj["state_dict"])} tensors, meta as expected')


def cycle(meta):
    assert meta['cycle'][0] == 1 and meta['cycle'][1] is meta['cycle'] and meta['me']['self'] is meta['me']


def dag(meta):
    level = meta['dag']
    for _ in range(30):
        assert level[0] is level[1]
        level = level[0]
    assert level == ['leaf']


def views(meta):
    assert len(meta['views']) == 5
    for v in meta['views']:
        assert v.shape == (511, 1 << 20) and v.stride() == (0, 0) and v.storage().size() == 1


check_graph(os.path.join(d, 'saved_meta_graph_zip.pt'))
check_graph(os.path.join(d, 'saved_meta_graph_legacy.pt'))
check_crafted('cycle_converted.pth', cycle)
check_crafted('dag_converted.pth', dag)
check_crafted('views_converted.pth', views)
print('OK')
