// The Nest module's conventions, in real Nest apps on both platforms: the request-bound client is
// injectable anywhere in a request (a guard, a singleton service), routes can be left out, forRoot()
// is refused twice, nested options are checked at forRoot() with the package prefix, and
// forRootAsync takes an LlmSessionOptionsFactory class.
import 'reflect-metadata'
import { createSession, InvalidArgumentError } from '@llm-session/core'
import {
  LLM_SESSION,
  LLM_SESSION_MODULE_OPTIONS,
  Llm,
  type LlmClient,
  LlmRequestClient,
  LlmSessionModule,
  type LlmSessionOptionsFactory,
} from '@llm-session/nestjs'
import { type MockProvider, startMockProvider } from '@llm-session/testing'
import {
  type CanActivate,
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  Post,
  UseGuards,
} from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { Test } from '@nestjs/testing'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientOptionsFor } from './helpers/describe-binding.js'

const model = 'openai/gpt-4o-mini'
const messages = [{ role: 'user' as const, content: 'hi' }]

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(() => mock?.close())

// Decorators applied by hand: the root tests compile without experimentalDecorators.
class ChatService {
  constructor(readonly llm: LlmRequestClient) {}
  answer() {
    return this.llm.completion({ model, messages })
  }
}
Inject(LlmRequestClient)(ChatService, undefined, 0)
Injectable()(ChatService)

// A guard calls the provider through the request-bound client, before any handler runs.
class ModerationGuard implements CanActivate {
  constructor(readonly llm: LlmRequestClient) {}
  async canActivate() {
    await this.llm.completion({ model, messages })
    return true
  }
}
Inject(LlmRequestClient)(ModerationGuard, undefined, 0)
Injectable()(ModerationGuard)

class ChatController {
  constructor(readonly chat: ChatService) {}
  guarded() {
    return this.chat.answer()
  }
  excluded(llm: LlmClient) {
    return llm.completion({ model, messages })
  }
  viaService() {
    return this.chat.answer()
  }
}
Inject(ChatService)(ChatController, undefined, 0)
const proto = ChatController.prototype
const describeMethod = (name: keyof ChatController) => Object.getOwnPropertyDescriptor(proto, name)!
Post('guarded')(proto, 'guarded', describeMethod('guarded'))
UseGuards(ModerationGuard)(proto, 'guarded', describeMethod('guarded'))
Llm()(proto, 'excluded', 0)
Get('excluded')(proto, 'excluded', describeMethod('excluded'))
Get('excluded/service')(proto, 'viaService', describeMethod('viaService'))
Controller()(ChatController)

function appModule(options: Record<string, unknown>) {
  class AppModule {}
  Module({
    imports: [LlmSessionModule.forRoot({ client: clientOptionsFor(mock), ...options })],
    controllers: [ChatController],
    providers: [ChatService, ModerationGuard],
  })(AppModule)
  return AppModule
}

describe.each(['express', 'fastify'] as const)('request-bound client on platform-%s', (platform) => {
  async function start(options: Record<string, unknown> = {}) {
    const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter()
    const app = await NestFactory.create(appModule(options), adapter, { logger: false })
    await app.listen(0, '127.0.0.1')
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1')
    return { app, url }
  }

  it('reaches a guard and a singleton service with the caller’s request id, across a parsed JSON body', async () => {
    const { app, url } = await start()
    try {
      const before = mock.stats().requests
      const response = await request(`${url}/guarded`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `scoped-${platform}` },
        body: JSON.stringify({ question: 'a body, so the platform parses it asynchronously' }),
      })
      expect(response.statusCode).toBe(201)
      await response.body.json()
      const seen = mock.requests().slice(before - mock.stats().requests)
      expect(seen).toHaveLength(2)
      expect(seen.map((one) => one.headers['x-request-id'])).toEqual([
        `scoped-${platform}`,
        `scoped-${platform}`,
      ])
      // Outside a request the same injected object is the app client, which sends no request id.
      await app.get(ChatService).answer()
      expect(mock.requests().at(-1)?.headers['x-request-id']).toBeUndefined()
    } finally {
      await app.close()
    }
  })

  it('leaves out excluded routes: @Llm() refuses with what to do, LlmRequestClient falls back to the app client', async () => {
    const { app, url } = await start({ exclude: ['excluded', 'excluded/service'] })
    try {
      const refused = await request(`${url}/excluded`, { headers: { 'x-request-id': 'left-out' } })
      expect(refused.statusCode).toBe(500)
      await refused.body.dump()
      const served = await request(`${url}/excluded/service`, { headers: { 'x-request-id': 'left-out' } })
      expect(served.statusCode).toBe(200)
      await served.body.json()
      expect(mock.requests().at(-1)?.headers['x-request-id']).toBeUndefined()
    } finally {
      await app.close()
    }
  })
})

describe('LlmSessionModule setup', () => {
  it('refuses forRoot() imported twice in one app: one session, one middleware', async () => {
    class FeatureModule {}
    Module({ imports: [LlmSessionModule.forRoot()] })(FeatureModule)
    // Session ids end in a process-wide sequence number: a session made in between would show.
    const sequence = async () => {
      const session = createSession()
      await session.close()
      return Number(session.id.split('-').at(-1))
    }
    const before = await sequence()
    const compiling = Test.createTestingModule({
      imports: [LlmSessionModule.forRoot({ isGlobal: true }), FeatureModule],
    }).compile()
    await expect(compiling).rejects.toThrow(
      /@llm-session\/nestjs: LlmSessionModule\.forRoot\(\) is imported 2 times/,
    )
    // Refused before either module made its session.
    expect(await sequence()).toBe(before + 1)
  })

  it('refuses LlmSessionModule imported without forRoot(), saying what to import', async () => {
    const compiling = Test.createTestingModule({ imports: [LlmSessionModule] }).compile()
    await expect(compiling).rejects.toThrow(/import LlmSessionModule\.forRoot\(options\)/)
  })

  it('checks nested options in forRoot(), with the package prefix and the path of the field', () => {
    const attempt = (options: Record<string, unknown>) => {
      try {
        LlmSessionModule.forRoot(options as never)
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError)
        expect((error as Error).message).toMatch(/^@llm-session\/nestjs: /)
        return (error as InvalidArgumentError).field
      }
      return undefined
    }
    expect(attempt({ session: { connections: 0 } })).toBe('session.connections')
    expect(attempt({ client: { retries: -1 } })).toBe('client.retries')
    expect(attempt({ exclude: 'health' })).toBe('exclude')
    expect(attempt({ session: { connections: 2 }, exclude: ['health'] })).toBeUndefined()
  })

  it('takes its options from an LlmSessionOptionsFactory class, and exposes them by LLM_SESSION_MODULE_OPTIONS', async () => {
    class LlmConfig implements LlmSessionOptionsFactory {
      createLlmSessionOptions() {
        return { session: { name: 'from-factory', connections: 3 } }
      }
    }
    Injectable()(LlmConfig)
    const moduleRef = await Test.createTestingModule({
      imports: [LlmSessionModule.forRootAsync({ useClass: LlmConfig })],
    }).compile()
    expect(moduleRef.get(LLM_SESSION_MODULE_OPTIONS)).toEqual({
      session: { name: 'from-factory', connections: 3 },
    })
    const session = moduleRef.get(LLM_SESSION)
    expect(session.name).toBe('from-factory')
    await moduleRef.close()
    expect(session.closed).toBe(true)
  })
})
