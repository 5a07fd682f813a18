import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Relay pagination state of a connection.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more edges follow the last one returned.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, {
    description: 'Whether edges precede the first one returned (true whenever `after` was given).',
  })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; null when there are none.' })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Cursor of the last edge; pass it as `after` for the next page. Null when there are no edges.',
  })
  endCursor!: string | null;
}
