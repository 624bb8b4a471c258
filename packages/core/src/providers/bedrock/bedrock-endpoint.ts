import { InvalidArgumentError } from '../../errors/errors.js'
import type { ProviderCallContext } from '../provider.js'
import type { AwsCredentials, AwsCredentialsProvider } from './bedrock-credentials.js'

/**
 * The client needs a default base URL; this one means "the regional endpoint": a call still goes
 * to `bedrock-runtime.{region}.amazonaws.com` for its own region.
 */
export const BEDROCK_DEFAULT_BASE_URL = 'https://bedrock-runtime.us-east-1.amazonaws.com'

/**
 * `providers.bedrock` settings.
 * @example
 * const bedrock: BedrockProviderSettings = { region: 'eu-west-1', credentials: fromNodeProviderChain() }
 */
export interface BedrockProviderSettings {
  /** Default: AWS_REGION, then AWS_DEFAULT_REGION. */
  region?: string
  /** Static credentials or a provider such as `fromNodeProviderChain()`. Default: the AWS_* environment variables. */
  credentials?: AwsCredentials | AwsCredentialsProvider
  /** A Bedrock API key, sent as a bearer token. Default: AWS_BEARER_TOKEN_BEDROCK. */
  apiKey?: string
  /** Replaces `https://bedrock-runtime.{region}.amazonaws.com` (also AWS_ENDPOINT_URL_BEDROCK_RUNTIME). */
  baseUrl?: string
}

/**
 * The region of a call: `providers.bedrock.region`, AWS_REGION or AWS_DEFAULT_REGION; undefined
 * when none is set. Throws `InvalidArgumentError` for a value that is not a region name.
 * @example getBedrockRegion({ settings: { region: 'eu-west-1' } }) // 'eu-west-1'
 */
export function getBedrockRegion(
  context: Pick<ProviderCallContext, 'settings' | 'provider'>,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const settings = context.settings as BedrockProviderSettings
  const region = settings.region ?? (env.AWS_REGION || undefined) ?? (env.AWS_DEFAULT_REGION || undefined)
  if (region === undefined) return undefined
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z0-9]+)+$/.test(region))
    throw new InvalidArgumentError(
      `providers.${context.provider}.region must be an AWS region name such as us-east-1`,
      {
        field: `providers.${context.provider}.region`,
      },
    )
  return region
}

/**
 * Encodes a model id, inference-profile id or ARN as one path segment, as the AWS SDK does
 * (`encodeURIComponent` plus `!'()*`): `:` and `/` in ARNs must not split the path.
 * @example encodeBedrockModelId('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0')
 */
export function encodeBedrockModelId(model: string): string {
  return encodeURIComponent(model).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/**
 * The URL of one model operation, e.g. `https://bedrock-runtime.eu-west-1.amazonaws.com/model/{id}/converse`.
 * Throws `InvalidArgumentError` when the default endpoint is used without a region.
 * @example getBedrockModelUrl(context, 'eu-west-1', 'converse-stream')
 */
export function getBedrockModelUrl(
  context: Pick<ProviderCallContext, 'baseUrl' | 'model' | 'provider'>,
  region: string | undefined,
  operation: 'converse' | 'converse-stream' | 'invoke',
): string {
  if (typeof context.model !== 'string' || context.model.trim() === '')
    throw new InvalidArgumentError('model must name a Bedrock model id, inference profile or ARN', {
      field: 'model',
    })
  let base = context.baseUrl
  if (base === BEDROCK_DEFAULT_BASE_URL) {
    if (region === undefined)
      throw new InvalidArgumentError(
        `${context.provider} needs a region: providers.${context.provider}.region, AWS_REGION or AWS_DEFAULT_REGION`,
        { field: `providers.${context.provider}.region` },
      )
    base = `https://bedrock-runtime.${region}.amazonaws.com`
  }
  return `${base.replace(/\/+$/, '')}/model/${encodeBedrockModelId(context.model)}/${operation}`
}
