import type { FastifyRequest } from 'fastify';
import type { Queryable } from '@windmill/core/db/pool';
import { findTurbineByName, type TurbineRef } from '@windmill/core/read/turbines.read';
import { notFound } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The turbine the request named, once a route resolved it; the request's log line carries it. */
    turbine: TurbineRef | null;
  }
}

/**
 * The turbine a request names (path `:id` or `turbine=`), by its name: 404 `turbine <name> not
 * found` when none has it. Every route that takes a turbine resolves it here, once, and keeps it on
 * the request so the request's log line names it without another query.
 */
export async function requireTurbine(request: FastifyRequest, db: Queryable, name: string): Promise<TurbineRef> {
  const turbine = await findTurbineByName(db, name);
  if (turbine === null) throw notFound('turbine', name);
  request.turbine = turbine;
  return turbine;
}
