// A development environment: small scale-out, logs kept 30 days, a Key Vault that can be purged when the environment goes.
using 'main.bicep'

param appName = 'cfxdev'
param dotnetVersion = '10.0'
param maximumInstanceCount = 10
param instanceMemoryMB = 2048
param reportingCurrency = 'EUR'
param tenantTimeZone = 'Europe/Berlin'
param keyVaultPurgeProtection = false
param logRetentionDays = 30
param deadLetterAlertThreshold = 50
param alertEmail = readEnvironmentVariable('CFX_ALERT_EMAIL', '')
// Secrets come from the environment at deployment time (the pipeline's secrets), never from this file.
param erpWebhookSecret = readEnvironmentVariable('CFX_ERP_WEBHOOK_SECRET')
param crmWebhookSecret = readEnvironmentVariable('CFX_CRM_WEBHOOK_SECRET')
param smtpPassword = readEnvironmentVariable('CFX_SMTP_PASSWORD', '')
param smtpEntraAppId = readEnvironmentVariable('CFX_SMTP_ENTRA_APP_ID', '')
