// Azure Communication Services for dunning mail: an Email Communication Service with an Azure-managed domain, linked to a
// Communication Services resource whose SMTP relay (smtp.azurecomm.net:587, STARTTLS) the app sends through. SMTP AUTH
// uses an SMTP Username resource bound to an Entra app registration (created outside ARM: see docs/deploy.md); its
// secret is the SMTP password kept in Key Vault.
@description('Base name.')
param name string

@description('Where Communication Services keeps its data at rest.')
@allowed(['Europe', 'United States', 'UK', 'Switzerland', 'Germany', 'France', 'Norway', 'Australia', 'Japan', 'Asia Pacific', 'Canada', 'India', 'Korea', 'UAE', 'Brazil', 'Africa'])
param dataLocation string

@description('Client id of the Entra app registration the SMTP relay authenticates (empty: no SMTP Username yet).')
param smtpEntraAppId string

@description('The SMTP user name the app signs in with (an SMTP Username resource).')
param smtpUserName string

@description('Log Analytics workspace of the e-mail delivery logs.')
param workspaceId string

resource emailService 'Microsoft.Communication/emailServices@2025-09-01' = {
  name: '${name}-email'
  location: 'global'
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2025-09-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2025-09-01' = {
  name: '${name}-acs'
  location: 'global'
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

resource smtpUser 'Microsoft.Communication/communicationServices/smtpUsernames@2025-09-01' = if (!empty(smtpEntraAppId)) {
  parent: communication
  name: 'dunning'
  properties: {
    entraApplicationId: smtpEntraAppId
    tenantId: tenant().tenantId
    username: smtpUserName
  }
}

resource deliveryLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'mail-to-logs'
  scope: communication
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

@description('A sender address of the managed domain (DoNotReply@…), for Dunning__From when no custom domain is verified.')
output managedSender string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'

@description('Communication Services resource name.')
output name string = communication.name
