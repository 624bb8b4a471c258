import { describeBinding } from './helpers/describe-binding.js'
import { startExpressApp } from './helpers/start-express-app.js'

describeBinding('express', startExpressApp)
