import { ArgsType, Field, Int } from 'type-graphql';

// The arguments of a Gmail list (`messages`, `threads`), defined once: each connection states only how its
// descriptions name what it lists. One class per call, made when the schema module loads.

export interface ListArgsWording {
  /** What the list holds, e.g. 'messages'. */
  readonly many: string;
  /** The search example, e.g. '`from:ada subject:invoice is:unread`'. */
  readonly query: string;
  /** What a label filter keeps, e.g. 'Only messages that carry every one of these label ids.' */
  readonly labelIds: string;
}

export interface ListArgs {
  query?: string | null;
  first?: number | null;
  after?: string | null;
  labelIds?: string[] | null;
  includeSpamTrash?: boolean | null;
}

export function ListArgsType(wording: ListArgsWording): new () => ListArgs {
  @ArgsType()
  class GmailListArgs implements ListArgs {
    @Field(() => String, {
      nullable: true,
      description: `A Gmail search query, as in the Gmail search box: ${wording.query}.`,
    })
    query?: string | null;

    @Field(() => Int, { nullable: true, defaultValue: 20, description: 'Page size, from 1 to 100.' })
    first?: number | null;

    @Field(() => String, {
      nullable: true,
      description: `Return the ${wording.many} after this cursor (an \`endCursor\` or any edge cursor of the same query).`,
    })
    after?: string | null;

    @Field(() => [String], { nullable: true, description: wording.labelIds })
    labelIds?: string[] | null;

    @Field(() => Boolean, {
      nullable: true,
      defaultValue: false,
      description: `Include ${wording.many} in SPAM and TRASH.`,
    })
    includeSpamTrash?: boolean | null;
  }
  return GmailListArgs;
}
