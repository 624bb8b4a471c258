import { describe, expect, it } from 'vitest'
import { BEDROCK_DEFAULT_BASE_URL, getBedrockModelUrl, getBedrockRegion } from './bedrock-endpoint.js'

const context = (settings: Record<string, unknown> = {}, baseUrl = BEDROCK_DEFAULT_BASE_URL) => ({
  provider: 'bedrock',
  settings,
  baseUrl,
  model: 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-lite-v1:0',
})

describe('getBedrockRegion', () => {
  it('takes providers.bedrock.region, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' }
    expect(getBedrockRegion(context({ region: 'ap-southeast-2' }), env)).toBe('ap-southeast-2')
    expect(getBedrockRegion(context(), env)).toBe('eu-west-1')
    expect(getBedrockRegion(context(), { AWS_REGION: '', AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-west-2')
    expect(getBedrockRegion(context(), {})).toBeUndefined()
  })

  it('refuses a value that is not a region name (it becomes a host name)', () => {
    for (const region of ['evil.example.com/x', 'US-EAST-1', 7]) {
      expect(() => getBedrockRegion(context({ region }), {})).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', field: 'providers.bedrock.region' }),
      )
    }
  })
})

describe('getBedrockModelUrl', () => {
  it('builds the regional endpoint and encodes an ARN as one path segment', () => {
    expect(getBedrockModelUrl(context(), 'eu-west-1', 'converse-stream')).toBe(
      'https://bedrock-runtime.eu-west-1.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aeu-west-1%3A123456789012%3Ainference-profile%2Feu.amazon.nova-lite-v1%3A0/converse-stream',
    )
  })

  it('keeps a given base URL (a VPC endpoint, a proxy, the mock), without a region', () => {
    expect(
      getBedrockModelUrl({ ...context({}, 'http://127.0.0.1:8080/'), model: 'm' }, undefined, 'invoke'),
    ).toBe('http://127.0.0.1:8080/model/m/invoke')
  })

  it('needs a region for the default endpoint, and a model', () => {
    expect(() => getBedrockModelUrl(context(), undefined, 'converse')).toThrow(
      expect.objectContaining({ field: 'providers.bedrock.region' }),
    )
    expect(() => getBedrockModelUrl({ ...context(), model: ' ' }, 'us-east-1', 'converse')).toThrow(
      expect.objectContaining({ field: 'model' }),
    )
  })
})
