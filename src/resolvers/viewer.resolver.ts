import { Kind, type GraphQLResolveInfo } from 'graphql';
import { Ctx, Info, Query, Resolver } from 'type-graphql';
import { Viewer } from '../schema/viewer.type';
import type { GatewayContext } from './context';

@Resolver()
export class ViewerResolver {
  @Query(() => Viewer, { nullable: true, description: 'The signed-in user; null without a valid session.' })
  async viewer(
    @Ctx() context: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Viewer | Pick<Viewer, 'id'> | null> {
    const session = await context.session();
    if (session === null) return null;
    // The session alone answers `{ viewer { id } }` (the common "am I signed in?" check): skip the credential and
    // return the id alone, since no other field is read.
    if (selectsOnlyId(info)) return { id: session.userId };
    return context.auth.viewer(session);
  }
}

/** True when the selection on the field is nothing but `id` and `__typename` (no fragments). */
function selectsOnlyId(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.every((node) =>
    (node.selectionSet?.selections ?? []).every(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (selection.name.value === 'id' || selection.name.value === '__typename'),
    ),
  );
}
