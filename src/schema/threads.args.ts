import { ListArgsType, type ListArgs } from './list.args';

export const ThreadsArgs = ListArgsType({
  many: 'threads',
  query: 'threads with a matching message',
  labelIds: 'Only threads with a message that carries every one of these label ids.',
});
export type ThreadsArgs = ListArgs;
