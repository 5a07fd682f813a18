import { ListArgsType, type ListArgs } from './list.args';

export const MessagesArgs = ListArgsType({
  many: 'messages',
  query: '`from:ada subject:invoice is:unread`',
  labelIds: 'Only messages that carry every one of these label ids.',
});
export type MessagesArgs = ListArgs;
