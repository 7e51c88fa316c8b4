#!/usr/bin/env python3
"""Write a pack that stores a small file as a delta of a huge blob.

Usage: delta-pack.py FILE BASE_MIB PACK_DIR

The pack contains two blobs: BASE_MIB MiB of zero bytes, stored whole, and the
contents of FILE, stored as a delta against the zeros that only inserts
bytes. git pack-objects never writes such a pack, because it does not pick
a base 32 times larger than its target, but it is valid. The script writes
pack-<checksum>.pack and its version 2 index into PACK_DIR and prints the
object id of FILE's blob.
"""
import hashlib
import struct
import sys
import zlib

OBJ_BLOB = 3
OBJ_OFS_DELTA = 6
CHUNK = 1 << 20


def varint(n):
    """Return n in the size encoding of a delta header."""
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def entry_header(kind, size):
    """Return the type and size header of a pack entry."""
    out = bytearray()
    byte = (kind << 4) | (size & 0x0F)
    size >>= 4
    while size:
        out.append(byte | 0x80)
        byte = size & 0x7F
        size >>= 7
    out.append(byte)
    return bytes(out)


def ofs_back(distance):
    """Return the offset of an OFS_DELTA base, distance bytes back."""
    out = bytearray([distance & 0x7F])
    distance >>= 7
    while distance:
        distance -= 1
        out.insert(0, 0x80 | (distance & 0x7F))
        distance >>= 7
    return bytes(out)


def main():
    path, base_mib, pack_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path, "rb") as f:
        text = f.read()
    base_size = base_mib << 20

    zeros = bytes(CHUNK)
    base_id = hashlib.sha1(b"blob %d\0" % base_size)
    compressor = zlib.compressobj(1)
    base_data = bytearray()
    for _ in range(base_mib):
        base_id.update(zeros)
        base_data += compressor.compress(zeros)
    base_data += compressor.flush()
    base_entry = entry_header(OBJ_BLOB, base_size) + bytes(base_data)

    delta = bytearray(varint(base_size) + varint(len(text)))
    for at in range(0, len(text), 127):
        piece = text[at:at + 127]
        delta.append(len(piece))
        delta += piece
    head = b"PACK" + struct.pack(">II", 2, 2)
    base_offset = len(head)
    text_offset = base_offset + len(base_entry)
    text_entry = (entry_header(OBJ_OFS_DELTA, len(delta)) +
                  ofs_back(text_offset - base_offset) + zlib.compress(bytes(delta)))
    pack = head + base_entry + text_entry
    pack_sum = hashlib.sha1(pack).digest()
    pack += pack_sum

    text_id = hashlib.sha1(b"blob %d\0" % len(text) + text).digest()
    objects = sorted([
        (base_id.digest(), zlib.crc32(base_entry), base_offset),
        (text_id, zlib.crc32(text_entry), text_offset),
    ])
    index = bytearray(b"\377tOc" + struct.pack(">I", 2))
    for first in range(256):
        index += struct.pack(">I", sum(1 for o in objects if o[0][0] <= first))
    for oid, _, _ in objects:
        index += oid
    for _, crc, _ in objects:
        index += struct.pack(">I", crc)
    for _, _, offset in objects:
        index += struct.pack(">I", offset)
    index += pack_sum
    index += hashlib.sha1(index).digest()

    name = "%s/pack-%s" % (pack_dir, pack_sum.hex())
    with open(name + ".pack", "wb") as f:
        f.write(pack)
    with open(name + ".idx", "wb") as f:
        f.write(index)
    print(text_id.hex())


if __name__ == "__main__":
    main()
