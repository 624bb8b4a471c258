import { describeBinding } from './helpers/describe-binding.js'
import { startHonoApp } from './helpers/start-hono-app.js'

describeBinding('hono', startHonoApp)
