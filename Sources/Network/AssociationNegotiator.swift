import DICOM

/// Turns an A-ASSOCIATE-RQ into A-ASSOCIATE-AC or -RJ (PS3.8 §7.1, PS3.7 Annex D) from a policy
/// and the registered services. Pure: no socket, no clock.
public enum AssociationNegotiator {
    public enum Outcome: Equatable, Sendable {
        case accept(AssociateAC, NegotiatedAssociation)
        case reject(AssociateRJ)
    }

    /// - Parameters:
    ///   - activeAssociations: associations already established on this server.
    ///   - supported: for each SOP class served, the transfer syntaxes accepted in preference order.
    public static func negotiate(_ rq: AssociateRQ, policy: AssociationPolicy, supported: [String: [String]],
                                 activeAssociations: Int) -> Outcome {
        guard rq.protocolVersion & 1 == 1 else { return .reject(.protocolVersionNotSupported) }
        guard rq.applicationContextName == dicomApplicationContextName else { return .reject(.applicationContextNotSupported) }
        if let called = policy.calledAETitles, !called.contains(rq.calledAETitle) { return .reject(.calledAETitleNotRecognized) }
        if let calling = policy.callingAETitles, !calling.contains(rq.callingAETitle) { return .reject(.callingAETitleNotRecognized) }
        guard activeAssociations < policy.maxAssociations else { return .reject(.localLimitExceeded) }

        var roles: [String: RoleSelection] = [:]
        for r in rq.userInformation.roleSelections where roles[r.sopClassUID] == nil { roles[r.sopClassUID] = r }

        var acContexts: [PresentationContextAC] = []
        var accepted: [UInt8: AcceptedPresentationContext] = [:]
        var roleReplies: [RoleSelection] = []
        var repliedRoles: Set<String> = []
        for pc in rq.presentationContexts {
            guard accepted[pc.id] == nil, pc.id & 1 == 1 else {
                // Lenient: an even or repeated context ID is answered with a provider rejection.
                acContexts.append(PresentationContextAC(id: pc.id, result: .noReason, transferSyntax: ""))
                continue
            }
            // A SOP class is served as SCP (a registered service) or, with role selection, used as
            // SCU only (policy.scuRoleSOPClasses, in the policy's transfer syntaxes).
            let served = supported[pc.abstractSyntax] != nil
            let reversible = policy.scuRoleSOPClasses.contains(pc.abstractSyntax)
            guard let syntaxes = supported[pc.abstractSyntax] ?? (reversible ? policy.transferSyntaxes : nil),
                  served || roles[pc.abstractSyntax] != nil else {
                acContexts.append(PresentationContextAC(id: pc.id, result: .abstractSyntaxNotSupported, transferSyntax: ""))
                continue
            }
            guard let ts = syntaxes.first(where: { pc.transferSyntaxes.contains($0) }) else {
                acContexts.append(PresentationContextAC(id: pc.id, result: .transferSyntaxesNotSupported, transferSyntax: ""))
                continue
            }
            // Role selection, PS3.7 §D.3.3.4: without a proposal the requestor is SCU, we are SCP.
            var requestorSCU = true, requestorSCP = false
            if let proposal = roles[pc.abstractSyntax] {
                requestorSCU = proposal.scuRole && served  // we are SCP for every registered class
                requestorSCP = proposal.scpRole && reversible
                if !repliedRoles.contains(pc.abstractSyntax) {
                    roleReplies.append(RoleSelection(sopClassUID: pc.abstractSyntax, scuRole: requestorSCU, scpRole: requestorSCP))
                    repliedRoles.insert(pc.abstractSyntax)
                }
                if !requestorSCU && !requestorSCP {
                    acContexts.append(PresentationContextAC(id: pc.id, result: .userRejection, transferSyntax: ""))
                    continue
                }
            }
            acContexts.append(PresentationContextAC(id: pc.id, result: .acceptance, transferSyntax: ts))
            accepted[pc.id] = AcceptedPresentationContext(id: pc.id, abstractSyntax: pc.abstractSyntax, transferSyntax: ts,
                                                          requestorIsSCU: requestorSCU, requestorIsSCP: requestorSCP)
        }

        if accepted.isEmpty && policy.rejectsWhenNothingAccepted { return .reject(.noReasonGiven) }
        var info = UserInformation(maxPDULength: policy.maxPDULength, implementationClassUID: Implementation.classUID,
                                   implementationVersionName: Implementation.versionName)
        // Asynchronous Operations Window, PS3.7 §D.3.3.3: the requestor may invoke as many operations
        // as it proposed, up to the policy's limit (a proposed 0 is unlimited); it performs ours one
        // at a time. Without a proposal the default window 1/1 holds and no item is returned.
        var window = AsyncOperationsWindow.synchronous
        if let proposed = rq.userInformation.asyncOperationsWindow {
            let limit = UInt16(clamping: max(1, policy.maxOperationsInvoked))
            window.maxInvoked = proposed.maxInvoked == 0 ? limit : min(proposed.maxInvoked, limit)
            info.asyncOperationsWindow = window
        }
        info.roleSelections = roleReplies
        let ac = AssociateAC(calledAETitle: rq.calledAETitle, callingAETitle: rq.callingAETitle,
                             presentationContexts: acContexts, userInformation: info)
        let negotiated = NegotiatedAssociation(callingAETitle: rq.callingAETitle, calledAETitle: rq.calledAETitle, contexts: accepted,
                                               peerMaxPDULength: rq.userInformation.maxPDULength ?? 0,
                                               localMaxPDULength: policy.maxPDULength,
                                               peerImplementationClassUID: rq.userInformation.implementationClassUID,
                                               peerImplementationVersionName: rq.userInformation.implementationVersionName,
                                               userIdentity: rq.userInformation.userIdentity, operationsWindow: window)
        return .accept(ac, negotiated)
    }

    /// The requestor's side: what an A-ASSOCIATE-AC accepted of the proposal (PS3.8 §9.3.3).
    public static func accepted(_ ac: AssociateAC, for rq: AssociateRQ) -> NegotiatedAssociation {
        var contexts: [UInt8: AcceptedPresentationContext] = [:]
        var roles: [String: RoleSelection] = [:]
        for r in ac.userInformation.roleSelections { roles[r.sopClassUID] = r }
        for pc in ac.presentationContexts where pc.result == .acceptance {
            guard let proposed = rq.presentationContexts.first(where: { $0.id == pc.id }),
                  proposed.transferSyntaxes.contains(pc.transferSyntax) else { continue }
            var scu = true, scp = false
            if let asked = rq.userInformation.roleSelections.first(where: { $0.sopClassUID == proposed.abstractSyntax }) {
                let answer = roles[proposed.abstractSyntax]
                // No answer: the default roles (PS3.7 §D.3.3.4).
                scu = answer.map { $0.scuRole && asked.scuRole } ?? true
                scp = answer.map { $0.scpRole && asked.scpRole } ?? false
            }
            contexts[pc.id] = AcceptedPresentationContext(id: pc.id, abstractSyntax: proposed.abstractSyntax,
                                                          transferSyntax: pc.transferSyntax, requestorIsSCU: scu, requestorIsSCP: scp)
        }
        return NegotiatedAssociation(callingAETitle: rq.callingAETitle, calledAETitle: rq.calledAETitle, contexts: contexts,
                                     peerMaxPDULength: ac.userInformation.maxPDULength ?? 0,
                                     localMaxPDULength: rq.userInformation.maxPDULength ?? 0,
                                     peerImplementationClassUID: ac.userInformation.implementationClassUID,
                                     peerImplementationVersionName: ac.userInformation.implementationVersionName,
                                     userIdentity: rq.userInformation.userIdentity,
                                     // No window item in the answer: the default 1/1 (PS3.7 §D.3.3.3.1).
                                     operationsWindow: rq.userInformation.asyncOperationsWindow == nil ? .synchronous
                                         : ac.userInformation.asyncOperationsWindow ?? .synchronous)
    }
}
