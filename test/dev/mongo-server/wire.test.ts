import { BSON } from 'bson';
import {
  encodeMsgReply,
  MessageFramer,
  OpCode,
  parseRequest,
  ProtocolError,
} from '../../../dev/mongo-server/wire';

// The driver never sends checksums or document sequences, so these wire features are checked on the codec itself.
describe('mongo-server wire codec', () => {
  function header(length: number, requestId: number, opCode: number): Buffer {
    const bytes = Buffer.alloc(16);
    bytes.writeInt32LE(length, 0);
    bytes.writeInt32LE(requestId, 4);
    bytes.writeInt32LE(0, 8);
    bytes.writeInt32LE(opCode, 12);
    return bytes;
  }

  function opMsg(requestId: number, flags: number, sections: Buffer[]): Buffer {
    const flagBytes = Buffer.alloc(4);
    flagBytes.writeUInt32LE(flags);
    const checksum = flags & 1 ? Buffer.from([0xde, 0xad, 0xbe, 0xef]) : Buffer.alloc(0);
    const body = Buffer.concat([flagBytes, ...sections, checksum]);
    return Buffer.concat([header(16 + body.length, requestId, OpCode.MSG), body]);
  }

  const bodySection = (doc: object) => Buffer.concat([Buffer.from([0]), BSON.serialize(doc)]);

  function sequenceSection(identifier: string, docs: object[]): Buffer {
    const payload = Buffer.concat([
      Buffer.from(`${identifier}\0`),
      ...docs.map((doc) => BSON.serialize(doc)),
    ]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + payload.length);
    return Buffer.concat([Buffer.from([1]), size, payload]);
  }

  it('cuts a byte stream into the same messages however TCP chunked it', () => {
    const messages = [1, 2, 3].map((id) =>
      opMsg(id, 0, [bodySection({ ping: 1, $db: 'admin', pad: 'x'.repeat(id * 50) })]),
    );
    const stream = Buffer.concat(messages);
    const cuttings = [
      [stream],
      [...stream].map((byte) => Buffer.from([byte])),
      [stream.subarray(0, 3), stream.subarray(3, 200), stream.subarray(200)],
    ];

    for (const chunks of cuttings) {
      const framer = new MessageFramer();
      const framed = chunks.flatMap((chunk) => framer.push(chunk));
      expect(framed).toEqual(messages);
    }
  });

  it('refuses a length prefix that cannot hold a message header', () => {
    expect(() => new MessageFramer().push(Buffer.from([8, 0, 0, 0]))).toThrow(ProtocolError);
  });

  it('merges document sequences into the command and skips the checksum trailer', () => {
    const request = parseRequest(
      opMsg(7, 0b11, [
        bodySection({ insert: 'things', $db: 'shop' }),
        sequenceSection('documents', [{ a: 1 }, { a: 2 }]),
      ]),
    );

    expect(request).toEqual({
      requestId: 7,
      opCode: OpCode.MSG,
      db: 'shop',
      moreToCome: true,
      command: { insert: 'things', $db: 'shop', documents: [{ a: 1 }, { a: 2 }] },
    });
  });

  it('reads the legacy OP_QUERY handshake and its database', () => {
    const fields = Buffer.alloc(8);
    const body = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from('admin.$cmd\0'),
      fields,
      BSON.serialize({ isMaster: 1, helloOk: true }),
    ]);

    const request = parseRequest(Buffer.concat([header(16 + body.length, 1, OpCode.QUERY), body]));

    expect(request).toMatchObject({
      opCode: OpCode.QUERY,
      db: 'admin',
      command: { isMaster: 1, helloOk: true },
    });
  });

  it('refuses a body that is not BSON as a protocol error', () => {
    const garbage = Buffer.concat([Buffer.from([0]), Buffer.from([9, 0, 0, 0, 1, 2, 3, 4, 5])]);

    expect(() => parseRequest(opMsg(1, 0, [garbage]))).toThrow(ProtocolError);
  });

  it('answers with flags 0 and a single body section', () => {
    const reply = encodeMsgReply(5, 9, { ok: 1 });

    expect(reply.readInt32LE(0)).toBe(reply.length);
    expect(reply.readInt32LE(8)).toBe(9);
    expect(reply.readUInt32LE(16)).toBe(0);
    expect(reply.readUInt8(20)).toBe(0);
    expect(BSON.deserialize(reply.subarray(21))).toEqual({ ok: 1 });
  });
});
