// CollectionsFx on Azure: storage (identity access only), a Flex Consumption Function App with a
// system-assigned identity and RBAC on storage, Application Insights on Log Analytics, and the web app as a Static Web App
// with the Function App as its linked backend.
targetScope = 'resourceGroup'

@description('Short name used in every resource name (3-11 lowercase letters or digits).')
@minLength(3)
@maxLength(11)
param appName string = 'cfx'

@description('Azure region of all resources.')
param location string = resourceGroup().location

@description('.NET isolated worker runtime version of the Function App.')
param dotnetVersion string = '10.0'

@description('Most instances Flex Consumption may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Region of the web app (Static Web Apps runs in a few regions only).')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param staticWebAppLocation string = 'westeurope'

@description('Memory per instance in MB (Flex Consumption sizes).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Webhook secret of the ERP source (HMAC-SHA256).')
@secure()
param erpWebhookSecret string

@description('Webhook secret of the CRM source (HMAC-SHA256).')
@secure()
param crmWebhookSecret string

@description('The CRM escalations and tasks go to: none (kept in CollectionsFx only), dataverse, salesforce or a signed webhook.')
@allowed(['none', 'dataverse', 'salesforce', 'webhook'])
param crmKind string = 'none'

@description('Dataverse Web API root, Salesforce instance URL (empty: from the token) or the webhook URL.')
param crmBaseUrl string = ''

@description('OAuth2 token endpoint of the CRM (client credentials).')
param crmTokenUrl string = ''

@description('Client id of the CRM app registration.')
param crmClientId string = ''

@description('Scope of the CRM token (Dataverse: https://{org}.crm.dynamics.com/.default).')
param crmScope string = ''

@description('Client secret of the CRM app registration (or the webhook HMAC secret).')
@secure()
param crmClientSecret string = ''

@description('SMTP relay of dunning mail (Azure Communication Services: smtp.azurecomm.net, port 587, STARTTLS).')
param smtpHost string = 'smtp.azurecomm.net'

@description('SMTP user name (an ACS SMTP Username resource).')
param smtpUserName string = 'collectionsfx-dunning'

@description('SMTP password (the Entra app secret behind the SMTP Username).')
@secure()
param smtpPassword string = ''

@description('Sender of dunning and promise mail (a MailFrom address of a verified custom domain); empty: DoNotReply@ the Azure-managed domain.')
param dunningFrom string = ''

@description('NCRONTAB schedule (with seconds) of the ERP pull timer.')
param erpPullSchedule string = '0 */5 * * * *'

@description('NCRONTAB schedule (with seconds, UTC) of the nightly scoring run.')
param scoringSchedule string = '0 0 2 * * *'

@description('NCRONTAB schedule (with seconds, UTC) of the monthly retraining.')
param retrainSchedule string = '0 0 3 1 * *'

@description('NCRONTAB schedule (with seconds, UTC) of the check that every customer to dun has its cycle: hourly, it acts at Dunning__DailyHour tenant time.')
param dunningSchedule string = '0 0 * * * *'

@description('ISO 4217 currency every KPI is reported in.')
@minLength(3)
@maxLength(3)
param reportingCurrency string = 'EUR'

@description('The tenant\'s time zone (IANA id): business dates and period ends are taken there.')
param tenantTimeZone string = 'UTC'

@description('Key Vault purge protection: true in production; false lets a throw-away environment be purged at once.')
param keyVaultPurgeProtection bool = true

@description('Where Communication Services keeps mail data at rest.')
param communicationDataLocation string = 'Europe'

@description('Client id of the Entra app registration behind the SMTP relay\'s user name (empty until it is registered, see docs/deploy.md).')
param smtpEntraAppId string = ''

@description('Who is mailed when an alert fires.')
param alertEmail string = ''

@description('Dead letters in one hour that raise an alert.')
@minValue(1)
param deadLetterAlertThreshold int = 10

@description('Days Log Analytics keeps logs.')
@minValue(30)
param logRetentionDays int = 30

var suffix = uniqueString(resourceGroup().id, appName)
var storageName = take('${appName}st${suffix}', 24)
var deploymentContainer = 'app-package'

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageName
    location: location
    deploymentContainerName: deploymentContainer
    workspaceId: monitoring.outputs.workspaceId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: '${appName}-${suffix}'
    location: location
    retentionInDays: logRetentionDays
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  params: {
    name: '${appName}-${suffix}'
    dataLocation: communicationDataLocation
    smtpEntraAppId: smtpEntraAppId
    smtpUserName: smtpUserName
    workspaceId: monitoring.outputs.workspaceId
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    name: '${appName}-${suffix}'
    location: location
    appInsightsId: monitoring.outputs.appInsightsId
    alertEmail: alertEmail
    deadLetterThreshold: deadLetterAlertThreshold
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: take('${appName}-kv-${suffix}', 24)
    location: location
    workspaceId: monitoring.outputs.workspaceId
    erpWebhookSecret: erpWebhookSecret
    crmWebhookSecret: crmWebhookSecret
    crmClientSecret: crmClientSecret
    smtpPassword: smtpPassword
    hasCrmClientSecret: !empty(crmClientSecret)
    hasSmtpPassword: !empty(smtpPassword)
    purgeProtection: keyVaultPurgeProtection
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: '${appName}-func-${suffix}'
    location: location
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainer}'
    appInsightsConnectionString: monitoring.outputs.connectionString
    dotnetVersion: dotnetVersion
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    vaultReferences: vault.outputs.references
    erpPullSchedule: erpPullSchedule
    scoringSchedule: scoringSchedule
    retrainSchedule: retrainSchedule
    dunningSchedule: dunningSchedule
    reportingCurrency: reportingCurrency
    tenantTimeZone: tenantTimeZone
    crmKind: crmKind
    crmBaseUrl: crmBaseUrl
    crmTokenUrl: crmTokenUrl
    crmClientId: crmClientId
    crmScope: crmScope
    smtpHost: smtpHost
    smtpUserName: smtpUserName
    dunningFrom: empty(dunningFrom) ? communication.outputs.managedSender : dunningFrom
    workspaceId: monitoring.outputs.workspaceId
  }
}

module web 'modules/staticwebapp.bicep' = {
  name: 'web'
  params: {
    name: '${appName}-web-${suffix}'
    location: staticWebAppLocation
    functionAppId: functionApp.outputs.id
    functionAppLocation: location
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  params: {
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    keyVaultName: vault.outputs.name
    principalId: functionApp.outputs.principalId
  }
}

@description('Name of the Function App (for `func azure functionapp publish`).')
output functionAppName string = functionApp.outputs.name

@description('Base URL of the HTTP API.')
output apiBaseUrl string = 'https://${functionApp.outputs.defaultHostName}/api'

@description('Address of the web app (sign in there; it calls the API through its linked backend).')
output webUrl string = 'https://${web.outputs.defaultHostName}'

@description('Name of the static web app (for `swa deploy` of the published src/CollectionsFx.Web).')
output staticWebAppName string = web.outputs.name

@description('Storage account holding the ledger, event log, dead letters and Durable Task hub.')
output storageAccountName string = storage.outputs.name
