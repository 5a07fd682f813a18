import { BSON } from 'bson';
import { DESERIALIZE_OPTIONS, isDoc, type Doc } from './values';

/** Opcodes of the MongoDB wire protocol that this server reads or writes. */
export const OpCode = { REPLY: 1, QUERY: 2004, COMPRESSED: 2012, MSG: 2013 } as const;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;

const HEADER_SIZE = 16;
const MSG_CHECKSUM_PRESENT = 1 << 0;
const MSG_MORE_TO_COME = 1 << 1;

/** The byte stream broke the protocol: the connection cannot be trusted any more and is closed. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** One command read off the wire, whatever opcode carried it. */
export interface CommandRequest {
  readonly requestId: number;
  /** The legacy OP_QUERY handshake is answered with OP_REPLY, everything else with OP_MSG. */
  readonly opCode: typeof OpCode.QUERY | typeof OpCode.MSG;
  /** The command document, with OP_MSG kind-1 document sequences merged in as array fields. */
  readonly command: Doc;
  /** The database: `$db` for OP_MSG, the prefix of `<db>.$cmd` for OP_QUERY. */
  readonly db: string;
  /** The client wants no reply (`w: 0` writes, `endSessions`). */
  readonly moreToCome: boolean;
}

/**
 * Cuts a TCP byte stream into whole messages by their int32 length prefix: one instance per connection, fed every
 * chunk in order. Chunks may hold part of a message or several messages.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      const length = this.nextMessageLength();
      if (length === undefined || this.buffered < length) return messages;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
      messages.push(all.subarray(0, length));
      const rest = all.subarray(length);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
  }

  private nextMessageLength(): number | undefined {
    if (this.buffered < 4) return undefined;
    if (this.chunks[0].length < 4) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    const length = this.chunks[0].readInt32LE(0);
    if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE_BYTES) {
      throw new ProtocolError(`invalid message length ${length}`);
    }
    return length;
  }
}

/** Decodes one whole message; throws ProtocolError for anything this server cannot or will not read. */
export function parseRequest(message: Buffer): CommandRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  try {
    if (opCode === OpCode.MSG) return parseMsg(message, requestId);
    if (opCode === OpCode.QUERY) return parseQuery(message, requestId);
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(`malformed message: ${error instanceof Error ? error.message : String(error)}`);
  }
  // OP_COMPRESSED never arrives: the handshake reply advertises no compressor.
  throw new ProtocolError(`unsupported opcode ${opCode}`);
}

function parseMsg(message: Buffer, requestId: number): CommandRequest {
  const flags = message.readUInt32LE(HEADER_SIZE);
  // The CRC-32C trailer is accepted but not verified: TCP on loopback does not corrupt bytes.
  const end = flags & MSG_CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let body: Doc | undefined;
  const sequences: [string, Doc[]][] = [];
  let offset = HEADER_SIZE + 4;
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body) throw new ProtocolError('OP_MSG with more than one body section');
      const size = message.readInt32LE(offset);
      body = readDocument(message, offset, size, end);
      offset += size;
    } else if (kind === 1) {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end) {
        throw new ProtocolError('OP_MSG document sequence overruns the message');
      }
      const nameEnd = message.indexOf(0, offset + 4);
      if (nameEnd < 0 || nameEnd >= sectionEnd) {
        throw new ProtocolError('OP_MSG document sequence without a name');
      }
      const identifier = message.toString('utf8', offset + 4, nameEnd);
      const documents: Doc[] = [];
      for (let position = nameEnd + 1; position < sectionEnd;) {
        const docSize = message.readInt32LE(position);
        documents.push(readDocument(message, position, docSize, sectionEnd));
        position += docSize;
      }
      sequences.push([identifier, documents]);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG without a body section');
  for (const [identifier, documents] of sequences) body[identifier] = documents;
  const db = body.$db;
  if (typeof db !== 'string') throw new ProtocolError('OP_MSG body without $db');
  return { requestId, opCode: OpCode.MSG, command: body, db, moreToCome: (flags & MSG_MORE_TO_COME) !== 0 };
}

function parseQuery(message: Buffer, requestId: number): CommandRequest {
  const nameStart = HEADER_SIZE + 4;
  const nameEnd = message.indexOf(0, nameStart);
  if (nameEnd < 0) throw new ProtocolError('OP_QUERY without a collection name');
  const fullCollectionName = message.toString('utf8', nameStart, nameEnd);
  const queryStart = nameEnd + 1 + 8; // numberToSkip, numberToReturn
  const query = readDocument(message, queryStart, message.readInt32LE(queryStart), message.length);
  // Old drivers wrap the command as {$query: {...}, $readPreference: ...}.
  const command = isDoc(query.$query) ? query.$query : query;
  const db = fullCollectionName.endsWith('.$cmd') ? fullCollectionName.slice(0, -'.$cmd'.length) : '';
  return { requestId, opCode: OpCode.QUERY, command, db, moreToCome: false };
}

function readDocument(message: Buffer, offset: number, size: number, limit: number): Doc {
  if (size < 5 || offset + size > limit) throw new ProtocolError('BSON document overruns its section');
  return BSON.deserialize(message.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
}

/** An OP_MSG reply: flags 0 (no checksum, no moreToCome) and one body section. */
export function encodeMsgReply(requestId: number, responseTo: number, reply: Doc): Buffer {
  const body = BSON.serialize(reply);
  const message = Buffer.alloc(HEADER_SIZE + 4 + 1 + body.length);
  writeHeader(message, requestId, responseTo, OpCode.MSG);
  message.writeUInt32LE(0, HEADER_SIZE);
  message.writeUInt8(0, HEADER_SIZE + 4);
  message.set(body, HEADER_SIZE + 5);
  return message;
}

/** An OP_REPLY carrying one document: the only answer an OP_QUERY handshake understands. */
export function encodeOpReply(requestId: number, responseTo: number, reply: Doc): Buffer {
  const body = BSON.serialize(reply);
  const fieldsSize = 4 + 8 + 4 + 4; // responseFlags, cursorID, startingFrom, numberReturned
  const message = Buffer.alloc(HEADER_SIZE + fieldsSize + body.length);
  writeHeader(message, requestId, responseTo, OpCode.REPLY);
  message.writeInt32LE(0, HEADER_SIZE);
  message.writeBigInt64LE(0n, HEADER_SIZE + 4);
  message.writeInt32LE(0, HEADER_SIZE + 12);
  message.writeInt32LE(1, HEADER_SIZE + 16);
  message.set(body, HEADER_SIZE + fieldsSize);
  return message;
}

function writeHeader(message: Buffer, requestId: number, responseTo: number, opCode: number): void {
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId, 4);
  message.writeInt32LE(responseTo, 8);
  message.writeInt32LE(opCode, 12);
}
