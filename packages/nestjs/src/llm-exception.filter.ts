import { LlmError, mapLlmErrorToHttp } from '@llm-session/core'
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common'

interface PlatformResponse {
  /** Express. */
  json?: (body: unknown) => unknown
  set?: (headers: Record<string, string>) => unknown
  /** Fastify. */
  headers?: (headers: Record<string, string>) => unknown
  send?: (body: unknown) => unknown
  status(code: number): PlatformResponse
}

/**
 * Opt-in exception filter: answers `LlmError`s with an OpenAI-style JSON error (429 with Retry-After,
 * 504 on timeouts, 502 on provider failures, 400 on bad input), on platform-express and -fastify.
 * @example
 * app.useGlobalFilters(new LlmExceptionFilter())
 */
@Catch(LlmError)
export class LlmExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('LlmSessionModule')

  catch(error: LlmError, host: ArgumentsHost): void {
    const mapped = mapLlmErrorToHttp(error)!
    if (mapped.status >= 500) this.logger.error(`${error.name} (${error.code}): ${error.message}`)
    const response = host.switchToHttp().getResponse<PlatformResponse>()
    response.status(mapped.status)
    if (typeof response.set === 'function' && typeof response.json === 'function') {
      response.set(mapped.headers)
      response.json(mapped.body)
    } else {
      response.headers?.(mapped.headers)
      response.send?.(mapped.body)
    }
  }
}
