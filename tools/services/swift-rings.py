"""Builds the three one-device, one-replica rings of a test Swift in one
interpreter (swift-ring-builder would start Python nine times, ~0.6 s each).

Usage: swift-rings.py DIR OBJECT_PORT CONTAINER_PORT ACCOUNT_PORT
"""
import os
import sys

from swift.common.ring import RingBuilder

folder = sys.argv[1]
for kind, port in zip(('object', 'container', 'account'), sys.argv[2:5]):
    builder = RingBuilder(8, 1, 1)  # 256 partitions, one replica, min_part_hours 1
    builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port),
                     'device': 'd1', 'weight': 100, 'meta': ''})
    builder.rebalance()
    builder.save(os.path.join(folder, kind + '.builder'))
    builder.get_ring().save(os.path.join(folder, kind + '.ring.gz'))
