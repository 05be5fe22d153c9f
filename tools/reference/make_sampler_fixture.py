#!/usr/bin/python3
"""PyTorch's DistributedSampler (shuffle=True) on small datasets, for the C# DistributedSampler's index arithmetic.
Usage: /usr/bin/python3 tools/reference/make_sampler_fixture.py tests/ShuffleNet.Tests/Distributed  (Debian's python3-torch 1.13)
Writes sampler.json (read from the source tree by DistributedSamplerTests): a list of cases {n, world, seed, epoch, drop_last, perm, ranks}: perm is the epoch's
torch.randperm(n, generator=manual_seed(seed + epoch)) that the sampler draws, ranks[r] is list(sampler) on rank r."""
import json, sys, torch
from torch.utils.data import DistributedSampler

cases = []
for n in [1, 2, 5, 7, 10, 16, 17, 33]:
    for world in [1, 2, 3, 4, 8]:
        for drop_last in [False, True]:
            for seed, epoch in [(0, 0), (0, 1), (42, 3)]:
                ranks = []
                for rank in range(world):
                    s = DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=True, seed=seed, drop_last=drop_last)
                    s.set_epoch(epoch)
                    ranks.append(list(s))
                g = torch.Generator()
                g.manual_seed(seed + epoch)
                perm = torch.randperm(n, generator=g).tolist()
                cases.append(dict(n=n, world=world, seed=seed, epoch=epoch, drop_last=drop_last, perm=perm, ranks=ranks))
with open(f'{sys.argv[1]}/sampler.json', 'w') as f:
    json.dump(cases, f, separators=(',', ':'))
