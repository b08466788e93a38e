// Alerts on Application Insights logs, to an action group that mails the operations team: orchestrations that failed, dead
// letters piling up, and the nightly scoring run missing. Each query reads what the app logs (docs/deploy.md lists them).
@description('Base name.')
param name string

@description('Azure region of the alert rules.')
param location string

@description('Application Insights resource id the queries run on.')
param appInsightsId string

@description('Who is mailed when an alert fires (empty: the action group has no receiver yet).')
param alertEmail string

@description('Dead letters in one hour that raise the alert.')
@minValue(1)
param deadLetterThreshold int

resource team 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${name}-ops'
  location: 'global'
  properties: {
    groupShortName: 'cfx-ops'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      {
        name: 'operations'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var rules = [
  {
    name: 'failed-orchestrations'
    description: 'An orchestration (dunning cycle, promise follow-up, scoring run) failed: its customer is no longer dunned until it is restarted.'
    severity: 1
    frequency: 'PT5M'
    window: 'PT15M'
    query: 'traces | where customDimensions.Category startswith "Host.Triggers.DurableTask" and message has "(Orchestrator)" and message has "failed"'
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'dead-letters-growing'
    description: 'Webhook events or imports are being dead-lettered: the ERP or CRM sends what CollectionsFx cannot accept. Replay them after fixing the sender.'
    severity: 2
    frequency: 'PT15M'
    window: 'PT1H'
    query: 'traces | where message startswith "Dead letter "'
    operator: 'GreaterThan'
    threshold: deadLetterThreshold
  }
  {
    name: 'scoring-run-missing'
    description: 'No nightly scoring run completed in 26 hours: worklists rank by stale likelihoods.'
    severity: 2
    frequency: 'PT1H'
    window: 'P2D'
    query: 'traces | where timestamp > ago(26h) and message startswith "Scoring run " and message has " completed"'
    operator: 'LessThan'
    threshold: 1
  }
]

resource alert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [
  for rule in rules: {
    name: '${name}-${rule.name}'
    location: location
    properties: {
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        appInsightsId
      ]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: rule.operator
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [
          team.id
        ]
      }
    }
  }
]

@description('Names of the alert rules.')
output ruleNames array = [for (rule, i) in rules: alert[i].name]
