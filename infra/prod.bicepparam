// Production: full scale-out, purge-protected Key Vault, logs kept a year, alerts to the operations mailbox.
using 'main.bicep'

param appName = 'cfx'
param dotnetVersion = '10.0'
param maximumInstanceCount = 100
param instanceMemoryMB = 2048
param reportingCurrency = 'EUR'
param tenantTimeZone = 'Europe/Berlin'
param keyVaultPurgeProtection = true
param logRetentionDays = 365
param deadLetterAlertThreshold = 10
param alertEmail = readEnvironmentVariable('CFX_ALERT_EMAIL')
// Secrets come from the environment at deployment time (the pipeline's secrets), never from this file.
param erpWebhookSecret = readEnvironmentVariable('CFX_ERP_WEBHOOK_SECRET')
param crmWebhookSecret = readEnvironmentVariable('CFX_CRM_WEBHOOK_SECRET')
param crmKind = readEnvironmentVariable('CFX_CRM_KIND', 'none')
param crmBaseUrl = readEnvironmentVariable('CFX_CRM_BASE_URL', '')
param crmTokenUrl = readEnvironmentVariable('CFX_CRM_TOKEN_URL', '')
param crmClientId = readEnvironmentVariable('CFX_CRM_CLIENT_ID', '')
param crmScope = readEnvironmentVariable('CFX_CRM_SCOPE', '')
param crmClientSecret = readEnvironmentVariable('CFX_CRM_CLIENT_SECRET', '')
param smtpPassword = readEnvironmentVariable('CFX_SMTP_PASSWORD')
param smtpEntraAppId = readEnvironmentVariable('CFX_SMTP_ENTRA_APP_ID')
param dunningFrom = readEnvironmentVariable('CFX_DUNNING_FROM', '')
