import { Ctx, Query, Resolver } from 'type-graphql';
import { Viewer } from '../schema/viewer.type';
import type { GatewayContext } from './context';

@Resolver()
export class ViewerResolver {
  @Query(() => Viewer, { nullable: true, description: 'The signed-in user; null without a valid session.' })
  async viewer(@Ctx() context: GatewayContext): Promise<Viewer | null> {
    const session = await context.session();
    return session === null ? null : context.auth.viewer(session);
  }
}
