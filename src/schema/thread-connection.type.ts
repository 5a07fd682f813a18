import { ConnectionType } from './connection.type';
import { Thread } from './thread.type';

export const ThreadConnection = ConnectionType(Thread, {
  name: 'Thread',
  description: 'A page of threads, most recent first, in Gmail order (Relay cursor connection).',
  noun: { one: 'thread', many: 'threads' },
});
export type ThreadConnection = InstanceType<typeof ThreadConnection>;
