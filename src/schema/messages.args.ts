import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class MessagesArgs {
  @Field(() => String, {
    nullable: true,
    description: 'A Gmail search query, as in the Gmail search box: `from:ada subject:invoice is:unread`.',
  })
  query?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'Page size, from 1 to 100.' })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Return the messages after this cursor (an `endCursor` or any edge cursor of the same query).',
  })
  after?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Only messages that carry every one of these label ids.',
  })
  labelIds?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Include messages in SPAM and TRASH.',
  })
  includeSpamTrash?: boolean | null;
}
