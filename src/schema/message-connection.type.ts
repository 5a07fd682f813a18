import { ConnectionType } from './connection.type';
import { Message } from './message.type';

export const MessageConnection = ConnectionType(Message, {
  name: 'Message',
  description: 'A page of messages, newest first, in Gmail order (Relay cursor connection).',
  noun: { one: 'message', many: 'messages' },
});
export type MessageConnection = InstanceType<typeof MessageConnection>;
