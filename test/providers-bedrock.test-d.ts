import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import {
  type AwsCredentialsProvider,
  type BedrockProviderSettings,
  type ClientOptions,
  createClient,
} from '@llm-session/core'
import { expectTypeOf, test } from 'vitest'

test('providers.bedrock settings are typed; the AWS SDK credential providers fit', () => {
  createClient({ providers: { bedrock: { region: 'eu-west-1', credentials: fromNodeProviderChain() } } })
  createClient({ providers: { bedrock: { credentials: { accessKeyId: 'AKIA…', secretAccessKey: '…' } } } })
  expectTypeOf(fromNodeProviderChain()).toExtend<AwsCredentialsProvider>()
  expectTypeOf<NonNullable<ClientOptions['providers']>['bedrock']>().toExtend<
    BedrockProviderSettings | undefined
  >()
  // @ts-expect-error credentials are an object with keys, or a function
  createClient({ providers: { bedrock: { credentials: 'AKIA…:secret' } } })
  // @ts-expect-error a region is a string
  createClient({ providers: { bedrock: { region: 1 } } })
})
