/**
 * Leasehold's error tree, shaped like Neutron's exceptions. The branch class fixes the HTTP
 * status; `type` is the Neutron exception class name and reaches clients unchanged.
 */
export abstract class NeutronError extends Error {
  abstract readonly status: 400 | 403 | 404 | 409 | 412 | 503
  /** Extra text for the `detail` field of the error body. */
  readonly detail: string = ''
  constructor(
    readonly type: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = type
  }
}

/** 400: the request is malformed or breaks a validation rule. */
export abstract class BadRequest extends NeutronError {
  readonly status = 400
}
/** 403: the caller may not do this. */
export abstract class NotAuthorized extends NeutronError {
  readonly status = 403
}
/** 404: the resource does not exist or is hidden from the caller. */
export abstract class NotFound extends NeutronError {
  readonly status = 404
}
/** 409: the request conflicts with the current state. */
export abstract class Conflict extends NeutronError {
  readonly status = 409
}
/** 409: the resource is still used by another. */
export abstract class InUse extends NeutronError {
  readonly status = 409
}
/** 412: a precondition (`If-Match`) failed. */
export abstract class PreconditionFailed extends NeutronError {
  readonly status = 412
}
/** 503: a dependency is unavailable; retrying later may succeed. */
export abstract class ServiceUnavailable extends NeutronError {
  readonly status = 503
}

/** A body-level validation failure, as Neutron's API layer raises it (`HTTPBadRequest`). */
export class HttpBadRequest extends BadRequest {
  constructor(message: string) {
    super('HTTPBadRequest', message)
  }
}

/** neutron-lib's plain `BadRequest`: `Bad <resource> request: <msg>.` */
export class ResourceBadRequest extends BadRequest {
  constructor(
    readonly resource: string,
    readonly msg: string,
  ) {
    super('BadRequest', `Bad ${resource} request: ${msg}.`)
  }
}

/** `Invalid input for <attr>. Reason: <reason>.` from an attribute validator. */
export class InvalidAttribute extends BadRequest {
  constructor(
    readonly attribute: string,
    readonly reason: string,
  ) {
    super('HTTPBadRequest', `Invalid input for ${attribute}. Reason: ${reason}.`)
  }
}

/** A plugin-level invalid input (`InvalidInput`). */
export class InvalidInput extends BadRequest {
  constructor(readonly errorMessage: string) {
    super('InvalidInput', `Invalid input for operation: ${errorMessage}.`)
  }
}

/** A policy check refused the request. */
export class PolicyNotAuthorized extends NotAuthorized {
  constructor(readonly action: string) {
    super('PolicyNotAuthorized', `(rule:${action}) is disallowed by policy`)
  }
}

/** The collection or action does not exist. */
export class ResourceNotFound extends NotFound {
  constructor(message = 'The resource could not be found.') {
    super('HTTPNotFound', message)
  }
}

/** The HTTP method is not allowed on this path. */
export class MethodNotAllowed extends BadRequest {
  constructor(method: string) {
    super('HTTPMethodNotAllowed', `The method ${method} is not allowed for this resource.`)
  }
}

export class NetworkNotFound extends NotFound {
  constructor(readonly networkId: string) {
    super('NetworkNotFound', `Network ${networkId} could not be found.`)
  }
}

export class SubnetNotFound extends NotFound {
  constructor(readonly subnetId: string) {
    super('SubnetNotFound', `Subnet ${subnetId} could not be found.`)
  }
}

export class PortNotFound extends NotFound {
  constructor(readonly portId: string) {
    super('PortNotFound', `Port ${portId} could not be found.`)
  }
}

/** Neutron raises a plain webob HTTPNotFound for an unknown extension alias. */
export class ExtensionNotFound extends NotFound {
  constructor(readonly alias: string) {
    super('HTTPNotFound', `Extension with alias ${alias} does not exist`)
  }
}

export class NetworkInUse extends InUse {
  constructor(readonly networkId: string) {
    super(
      'NetworkInUse',
      `Unable to complete operation on network ${networkId}. There are one or more ports still in use on the network.`,
    )
  }
}

export class SubnetInUse extends InUse {
  constructor(readonly subnetId: string) {
    super(
      'SubnetInUse',
      `Unable to complete operation on subnet ${subnetId}: One or more ports have an IP allocation from this subnet.`,
    )
  }
}

export class IpAddressAlreadyAllocated extends Conflict {
  constructor(
    readonly ipAddress: string,
    readonly subnetId: string,
  ) {
    super(
      'IpAddressAlreadyAllocated',
      `IP address ${ipAddress} already allocated in subnet ${subnetId}`,
    )
  }
}

export class IpAddressGenerationFailure extends Conflict {
  constructor(readonly networkId: string) {
    super('IpAddressGenerationFailure', `No more IP addresses available on network ${networkId}.`)
  }
}

export class MacAddressInUse extends InUse {
  constructor(
    readonly networkId: string,
    readonly macAddress: string,
  ) {
    super(
      'MacAddressInUse',
      `Unable to complete operation for network ${networkId}. The mac address ${macAddress} is in use.`,
    )
  }
}

export class InvalidIpForSubnet extends BadRequest {
  constructor(readonly ipAddress: string) {
    super(
      'InvalidIpForSubnet',
      `IP address ${ipAddress} is not a valid IP for the specified subnet.`,
    )
  }
}

export class InvalidIpForNetwork extends BadRequest {
  constructor(readonly ipAddress: string) {
    super(
      'InvalidIpForNetwork',
      `IP address ${ipAddress} is not a valid IP for any of the subnets on the specified network.`,
    )
  }
}

export class AllocationOnAutoAddressSubnet extends BadRequest {
  constructor(
    readonly ipAddress: string,
    readonly subnetId: string,
  ) {
    super(
      'AllocationOnAutoAddressSubnet',
      `IPv6 address ${ipAddress} cannot be directly assigned to a port on subnet ${subnetId} as the subnet is configured for automatic addresses`,
    )
  }
}

export class GatewayConflictWithAllocationPools extends Conflict {
  constructor(
    readonly pool: string,
    readonly ipAddress: string,
  ) {
    super(
      'GatewayConflictWithAllocationPools',
      `Gateway ip ${ipAddress} conflicts with allocation pool ${pool}.`,
    )
  }
}

export class GatewayIpInUse extends InUse {
  constructor(readonly ipAddress: string) {
    super(
      'GatewayIpInUse',
      `Current gateway ip ${ipAddress} already in use by port. Unable to update.`,
    )
  }
}

export class OverlappingAllocationPools extends Conflict {
  constructor(
    readonly pool1: string,
    readonly pool2: string,
    readonly subnetCidr: string,
  ) {
    super(
      'OverlappingAllocationPools',
      `Found overlapping allocation pools: ${pool1} ${pool2} for subnet ${subnetCidr}.`,
    )
  }
}

export class OutOfBoundsAllocationPool extends BadRequest {
  constructor(
    readonly pool: string,
    readonly subnetCidr: string,
  ) {
    super(
      'OutOfBoundsAllocationPool',
      `The allocation pool ${pool} spans beyond the subnet cidr ${subnetCidr}.`,
    )
  }
}

export class InvalidAllocationPool extends BadRequest {
  constructor(readonly pool: string) {
    super('InvalidAllocationPool', `The allocation pool ${pool} is not valid.`)
  }
}

export class DnsNameServersExhausted extends BadRequest {
  constructor(
    readonly subnetId: string,
    readonly quota: number,
  ) {
    super(
      'DNSNameServersExhausted',
      `Unable to complete operation for ${subnetId}. The number of DNS nameservers exceeds the limit ${quota}.`,
    )
  }
}

export class HostRoutesExhausted extends BadRequest {
  constructor(
    readonly subnetId: string,
    readonly quota: number,
  ) {
    super(
      'HostRoutesExhausted',
      `Unable to complete operation for ${subnetId}. The number of host routes exceeds the limit ${quota}.`,
    )
  }
}

export class RevisionNumberConstraintFailed extends PreconditionFailed {
  constructor(
    readonly expected: number,
    readonly current: number,
  ) {
    super(
      'RevisionNumberConstraintFailed',
      `Constrained to ${expected}, but current revision is ${current}`,
    )
  }
}

/** The database or another dependency failed in a way a retry may cure. */
export class DependencyUnavailable extends ServiceUnavailable {
  constructor(message: string, options?: ErrorOptions) {
    super('ServiceUnavailable', message, options)
  }
}

/** A configuration file or option is wrong; raised at start, before anything runs. */
export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ConfigError'
  }
}

/** A host command exited with a failure (or could not run, or timed out); never an HTTP body. */
export class CommandFailed extends Error {
  constructor(
    readonly argv: readonly string[],
    /** Exit status, or null when the command was killed by a signal or never ran. */
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: ErrorOptions & { reason?: string },
  ) {
    const why = options?.reason ?? `exit code ${exitCode ?? 'none'}`
    const detail = stderr.trim()
    super(`${argv.join(' ')} failed (${why})${detail ? `: ${detail}` : ''}`, options)
    this.name = 'CommandFailed'
  }
}

/** A daemon the agent started is not running although it should (it died or never came up). */
export class ProcessDied extends Error {
  constructor(
    readonly service: string,
    readonly uuid: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'ProcessDied'
  }
}

/** An agent asked to host a network is no DHCP agent, or is disabled (Neutron: 404). */
export class InvalidDHCPAgent extends NotFound {
  constructor(readonly agentId: string) {
    super('InvalidDHCPAgent', `Agent ${agentId} is not a valid DHCP Agent or has been disabled.`)
  }
}

/** A network is bound to a DHCP agent already. */
export class NetworkHostedByDHCPAgent extends Conflict {
  constructor(
    readonly networkId: string,
    readonly agentId: string,
  ) {
    super(
      'NetworkHostedByDHCPAgent',
      `The network ${networkId} has been already hosted by the DHCP Agent ${agentId}.`,
    )
  }
}

/** A network to remove from a DHCP agent is not bound to it. */
export class NetworkNotHostedByDhcpAgent extends Conflict {
  constructor(
    readonly networkId: string,
    readonly agentId: string,
  ) {
    super(
      'NetworkNotHostedByDhcpAgent',
      `The network ${networkId} is not hosted by the DHCP Agent ${agentId}.`,
    )
  }
}
