"""The roles a contributor is credited in: one list for the parser, the models and the API.

The parser maps printed words (记者, 见习记者, 摄影记者, ...) to these codes; the models'
``Role`` choices label them and the credit table's check constraint accepts exactly them.
"""

REPORTER = "reporter"  # 记者
TRAINEE_REPORTER = "trainee_reporter"  # 见习记者
CORRESPONDENT = "correspondent"  # 通讯员
PHOTOGRAPHER = "photographer"  # 摄影
INTERN = "intern"  # 实习生
SPECIAL_CORRESPONDENT = "special_correspondent"  # 特约记者

ALL_ROLES = (REPORTER, TRAINEE_REPORTER, CORRESPONDENT, PHOTOGRAPHER, INTERN, SPECIAL_CORRESPONDENT)
